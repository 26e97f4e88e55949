/**
 * The owner's reports, on SQLite and on PostgreSQL. Activity (GET /reports/activity): days are the
 * shop's (Seoul), a refused event is not counted, a store narrows it, and bad
 * spans are refused. Points (GET /reports/points): what the members hold at a moment, by hand
 * and as the sum of each member's own points answer, across pages of members.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TestDevice, purchase, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('activity report on %s', (backend) => {
  let s: Running;
  beforeAll(async () => {
    // Three events a page, so that every report here reads several pages.
    s = await startServer(backend, { reportPage: 3 });
    await s.api('POST', '/stores', { store_id: 'store-2', name: 'Second store' });
  });
  afterAll(async () => {
    await s.close();
  });

  const report = async (query: string) => {
    const res = await s.api('GET', `/reports/activity?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it("counts members, sales, points, coupons and refunds by the shop's days", async () => {
    // A joins on 31 January; B at 00:30 on 1 February in Seoul (still 31 January in UTC).
    const join = async (name: string, phone: string, at: string) =>
      (await s.api('POST', '/customers', { name, phone, occurred_at: at })).body;
    const a = await join('A', '010-3100-0001', '2026-01-31T10:00:00+09:00');
    const b = await join('B', '010-3100-0002', '2026-02-01T00:30:00+09:00');
    const buy = async (who: string, body: Record<string, unknown>) => {
      const res = await s.api('POST', `/customers/${who}/purchases`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    // 23:30 on the last day of January in Seoul is January's.
    const january = await buy(a.customer_id, {
      store_id: 'store-1',
      amount: 50_000,
      occurred_at: '2026-01-31T23:30:00+09:00',
    });
    // 00:40 on 1 February in Seoul is February's, though it is 31 January in UTC.
    const coupons = await s.api(
      'GET',
      `/customers/${b.customer_id}/coupons?as_of=2026-02-01T00:35:00%2B09:00`,
    );
    const welcome = coupons.body.coupons[0].code as string;
    const first = await buy(b.customer_id, {
      store_id: 'store-1',
      amount: 30_000,
      coupon_code: welcome,
      redeem_points: 1_000,
      occurred_at: '2026-02-01T00:40:00+09:00',
    });
    const second = await buy(a.customer_id, {
      store_id: 'store-2',
      amount: 10_000,
      occurred_at: '2026-02-02T12:00:00+09:00',
    });
    const refund = await s.api('POST', `/purchases/${january.purchase_id}/refunds`, {
      occurred_at: '2026-02-03T10:00:00+09:00',
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    // A till sends one sale twice, under two event ids: the endpoint refuses the second, and
    // the report counts what was applied.
    const till = await TestDevice.pair(s, 'store-1', 'cashier');
    const sale = purchase(randomUUID(), 20_000);
    const at = Date.parse('2026-02-05T15:00:00+09:00');
    const sent = await till.sync([
      await till.event('purchase_recorded', b.customer_id, sale, at),
      await till.event('purchase_recorded', b.customer_id, sale, at + 1_000),
    ]);
    expect(sent.body.acks.map((x: { status: string }) => x.status)).toEqual([
      'applied',
      'rejected',
    ]);

    const feb = await report('from=2026-02-01&to=2026-02-28');
    expect(feb).toMatchObject({
      from: '2026-02-01',
      to: '2026-02-28',
      time_zone: 'Asia/Seoul',
      store_id: null,
    });
    expect(feb.totals).toEqual({
      new_members: 1,
      purchases: 3,
      members_purchasing: 2,
      sales_amount: 60_000,
      amount_paid: first.amount_paid + second.amount_paid + 20_000,
      points_earned: first.points_earned + second.points_earned + sale.points_earned,
      points_redeemed: 1_000,
      coupons_used: 1,
      refunds: 1,
      amount_refunded: refund.body.amount_refunded,
      points_reversed: refund.body.points_reversed,
    });
    expect(first.coupon_discount).toBeGreaterThan(0);
    expect(refund.body.points_reversed).toBe(january.points_earned);
    expect(feb.days).toHaveLength(28);
    expect(feb.days[0]).toMatchObject({
      date: '2026-02-01',
      new_members: 1,
      purchases: 1,
      sales_amount: 30_000,
    });
    expect(feb.days[2]).toMatchObject({ date: '2026-02-03', refunds: 1, purchases: 0 });
    expect(feb.days[4]).toMatchObject({ date: '2026-02-05', purchases: 1, sales_amount: 20_000 });
    // The days add up to the span.
    expect(feb.days.reduce((n: number, d: { purchases: number }) => n + d.purchases, 0)).toBe(3);

    const jan31 = await report('from=2026-01-31&to=2026-01-31');
    expect(jan31.totals).toMatchObject({ new_members: 1, purchases: 1, sales_amount: 50_000 });
    expect(jan31.days).toEqual([expect.objectContaining({ date: '2026-01-31', purchases: 1 })]);

    const store2 = await report('from=2026-02-01&to=2026-02-28&store_id=store-2');
    expect(store2.totals).toMatchObject({
      new_members: 0,
      purchases: 1,
      members_purchasing: 1,
      sales_amount: 10_000,
      refunds: 0,
    });
    expect((await report('from=2025-02-01&to=2025-02-28')).totals.purchases).toBe(0);
  });

  it('refuses a span it cannot read, and says why', async () => {
    for (const bad of [
      'from=2026-02-01',
      'from=2026-02-30&to=2026-03-01',
      'from=2026-03-01&to=2026-02-01',
      'from=2026-01-01&to=2027-01-02',
      'from=1 Feb&to=2026-02-28',
      'from=2026-02-01&to=2026-02-28&limit=5',
    ]) {
      const res = await s.api('GET', `/reports/activity?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('invalid_input');
    }
    // A whole leap year is one report.
    expect((await report('from=2028-01-01&to=2028-12-31')).days).toHaveLength(366);
  });
});

describe.each(BACKENDS)('points report on %s', (backend) => {
  let s: Running;
  beforeAll(async () => {
    // Three members a page, so that the report reads several pages.
    s = await startServer(backend, { reportPage: 3 });
  });
  afterAll(async () => {
    await s.close();
  });

  const report = async (asOf?: string) => {
    const q = asOf === undefined ? '' : `?as_of=${encodeURIComponent(asOf)}`;
    const res = await s.api('GET', `/reports/points${q}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('sums what the members hold, as each member reads it, at any moment', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const day = String(5 + i).padStart(2, '0');
      const res = await s.api('POST', '/customers', {
        name: `M${i}`,
        phone: `010-4200-000${i}`,
        occurred_at: `2026-01-${day}T10:00:00+09:00`,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.customer_id as string);
    }
    const [a, b, c, d, e] = ids as [string, string, string, string, string];
    const buy = async (who: string, body: Record<string, unknown>) => {
      const res = await s.api('POST', `/customers/${who}/purchases`, {
        store_id: 'store-1',
        ...body,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    await buy(a, { amount: 40_000, occurred_at: '2026-01-20T12:00:00+09:00' });
    await buy(b, { amount: 900_000, occurred_at: '2026-01-21T12:00:00+09:00' });
    await buy(c, {
      amount: 20_000,
      redeem_points: 1_000,
      occurred_at: '2026-01-22T12:00:00+09:00',
    });
    await buy(d, { amount: 15_000, occurred_at: '2026-02-10T12:00:00+09:00' });
    // E spends every point a big sale earned, then the sale is refunded: a debt.
    const big = await buy(e, { amount: 200_000, occurred_at: '2026-01-23T12:00:00+09:00' });
    await buy(e, {
      amount: 30_000,
      redeem_points: 1_000 + big.points_earned,
      occurred_at: '2026-01-24T12:00:00+09:00',
    });
    const refund = await s.api('POST', `/purchases/${big.purchase_id}/refunds`, {
      occurred_at: '2026-01-25T12:00:00+09:00',
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);

    // By hand: before anyone joined, nothing; on 7 January, two members with their 1,000
    // sign-up points each, worth 2,000 won (a point is worth 1 won in the default program).
    expect(await report('2026-01-01T00:00:00+09:00')).toMatchObject({
      members: 0,
      points_outstanding: 0,
      liability: { amount: 0, currency: 'KRW' },
      members_in_debt: 0,
    });
    expect(await report('2026-01-07T00:00:00+09:00')).toMatchObject({
      as_of: '2026-01-07T00:00:00+09:00',
      time_zone: 'Asia/Seoul',
      members: 2,
      points_outstanding: 2_000,
      liability: { amount: 2_000, currency: 'KRW', exponent: 0 },
      debt: 0,
      tiers: [
        { tier: 'BASIC', name: 'Basic', members: 2 },
        { tier: 'SILVER', name: 'Silver', members: 0 },
        { tier: 'GOLD', name: 'Gold', members: 0 },
        { tier: 'PLATINUM', name: 'Platinum', members: 0 },
      ],
    });

    // At other moments: the sum of what each member's own points answer says, and their tiers
    // (B's 900,000 in January makes B a higher tier in February; the sign-up points are about
    // to expire in December and gone in February 2027).
    for (const at of [
      '2026-01-26T00:00:00+09:00',
      '2026-02-15T00:00:00+09:00',
      '2026-12-20T00:00:00+09:00',
      '2027-02-15T00:00:00+09:00',
    ]) {
      const q = `?as_of=${encodeURIComponent(at)}`;
      const expected = { points: 0, soon: 0, debt: 0, inDebt: 0, tiers: new Map<string, number>() };
      for (const id of ids) {
        const p = (await s.api('GET', `/customers/${id}/points${q}`)).body;
        const profile = (await s.api('GET', `/customers/${id}${q}`)).body;
        expected.points += Math.max(0, p.total_points);
        expected.soon += p.points_expiring_soon;
        expected.debt += p.debt ?? 0;
        if ((p.debt ?? 0) > 0) expected.inDebt += 1;
        expected.tiers.set(profile.tier, (expected.tiers.get(profile.tier) ?? 0) + 1);
      }
      const got = await report(at);
      expect(got, at).toMatchObject({
        members: 7,
        points_outstanding: expected.points,
        liability: { amount: expected.points },
        points_expiring_soon: expected.soon,
        expiring_soon_days: 30,
        debt: expected.debt,
        members_in_debt: expected.inDebt,
      });
      for (const t of got.tiers as { tier: string; members: number }[])
        expect(t.members, `${at} ${t.tier}`).toBe(expected.tiers.get(t.tier) ?? 0);
      if (at === '2026-01-26T00:00:00+09:00') {
        expect(got.members_in_debt).toBe(1);
        expect(got.debt).toBeGreaterThan(0);
      }
      if (at === '2026-02-15T00:00:00+09:00')
        expect(got.tiers.find((t: { tier: string }) => t.tier === 'BASIC').members).toBe(6);
      if (at === '2026-12-20T00:00:00+09:00') expect(got.points_expiring_soon).toBeGreaterThan(0);
    }
    // Without as_of: now.
    expect((await report()).members).toBe(7);
  });

  it('refuses a query it cannot read, and says why', async () => {
    for (const bad of ['as_of=yesterday', 'as_of=2026-02-30T00:00:00Z', 'store_id=store-1']) {
      const res = await s.api('GET', `/reports/points?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('invalid_input');
    }
  });
});

/** Rows of a CSV text (RFC 4180: quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) throw new Error('the file does not end with a line break');
  return rows;
}

describe.each(BACKENDS)('members list (CSV) on %s', (backend) => {
  let s: Running;
  beforeAll(async () => {
    // Three members a page, so that the list reads several pages.
    s = await startServer(backend, { reportPage: 3 });
  });
  afterAll(async () => {
    await s.close();
  });

  const download = async (query = '') => {
    const res = await fetch(`${s.base}/reports/members${query}`, {
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect(res.status).toBe(200);
    // As sent, the byte order mark included (res.text() would drop it).
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { res, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) };
  };

  it('lists every member with the numbers of their profile, ready for a spreadsheet', async () => {
    expect((await s.api('POST', '/stores', { store_id: 'store-2', name: 'Busan' })).status).toBe(
      201,
    );
    const names = ['Kim, "Minji"', '=HYPERLINK("http://x")', 'Lee\nSeojun', '박서연', 'Oh'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const res = await s.api('POST', '/customers', {
        name,
        phone: `010-4300-000${i}`,
        birthday: i === 3 ? '1990-04-05' : undefined,
        store_id: i === 4 ? 'store-2' : 'store-1',
        occurred_at: `2026-01-0${5 + i}T10:00:00+09:00`,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.customer_id as string);
    }
    const sale = await s.api('POST', `/customers/${ids[3]}/purchases`, {
      store_id: 'store-1',
      amount: 700_000,
      lines: [{ sku: 'coat', category: 'goods', quantity: 1, unit_price: 700_000 }],
      occurred_at: '2026-01-20T12:00:00+09:00',
    });
    expect(sale.status).toBe(201);

    const at = '2026-02-15T00:00:00+09:00';
    const { res, text } = await download(`?as_of=${encodeURIComponent(at)}`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="members-all-2026-02-15.csv"',
    );
    expect(text.startsWith('\uFEFFcustomer_id,card_number,name,phone,')).toBe(true);
    const [head, ...rows] = parseCsv(text.slice(1));
    expect(rows).toHaveLength(5);
    const col = (row: string[], name: string) => row[(head as string[]).indexOf(name)] as string;
    for (const id of ids) {
      const row = rows.find((r) => r[0] === id) as string[];
      const p = (await s.api('GET', `/customers/${id}?as_of=${encodeURIComponent(at)}`)).body;
      expect(col(row, 'card_number')).toBe(p.card_number);
      expect(col(row, 'tier')).toBe(p.tier_name);
      expect(Number(col(row, 'total_points'))).toBe(p.points.total_points);
      expect(Number(col(row, 'available_points'))).toBe(p.points.available_points);
      expect(Number(col(row, 'pending_points'))).toBe(p.points.pending_points);
      expect(Number(col(row, 'stamps'))).toBe(p.stamps.count);
      expect(Number(col(row, 'purchases'))).toBe(p.purchase_count);
      expect(col(row, 'phone')).toBe(p.phone);
    }
    // Names come back as typed (a comma, quotes, a line break, Korean); one that starts like a
    // formula is shown, not run.
    const byId = (i: number) => rows.find((r) => r[0] === ids[i]) as string[];
    expect(col(byId(0), 'name')).toBe('Kim, "Minji"');
    expect(col(byId(1), 'name')).toBe(`'=HYPERLINK("http://x")`);
    expect(col(byId(2), 'name')).toBe('Lee\nSeojun');
    expect(col(byId(3), 'name')).toBe('박서연');
    expect(col(byId(3), 'birthday')).toBe('1990-04-05');
    expect(col(byId(3), 'tier')).toBe('Silver');
    expect(col(byId(4), 'store_id')).toBe('store-2');

    // The members of one store; and before some had joined, only those who had.
    const busan = parseCsv((await download('?store_id=store-2')).text.slice(1));
    expect(busan.slice(1).map((r) => r[0])).toEqual([ids[4]]);
    const early = parseCsv(
      (await download(`?as_of=${encodeURIComponent('2026-01-07T00:00:00+09:00')}`)).text.slice(1),
    );
    expect(
      early
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([ids[0], ids[1]].sort());
  });

  it('refuses a query it cannot read, and says why', async () => {
    for (const bad of ['as_of=yesterday', 'sort=name', 'store_id=']) {
      const res = await s.api('GET', `/reports/members?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('invalid_input');
    }
  });
});
