/**
 * The owner's reports, on SQLite and on PostgreSQL. Activity (GET /reports/activity): days are the
 * shop's (Seoul), a refused event is not counted, a store narrows it, and bad
 * spans are refused. Points (GET /reports/points): what the members hold at a moment, by hand
 * and as the sum of each member's own points answer, across pages of members.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenefitTally } from '../../server/api-reports';
import { couponCode, DEFAULT_PROGRAM, programHistory } from '../../shared/rules';
import { BACKENDS, TestDevice, purchase, startServer, type Running } from '../support/server';

describe('benefits members used (the activity report counts them)', () => {
  it('counts each benefit of a sale once, at the worth of the version it was made under', () => {
    // Version 2 made a point worth 5 won.
    const tally = new BenefitTally(
      programHistory([
        { program: DEFAULT_PROGRAM, effective_from: 0 },
        { program: { ...DEFAULT_PROGRAM, version: 2, point_value: 5 }, effective_from: 1 },
      ]),
    );
    const stamp = couponCode('stamp_card', 'm-1', '10:1');
    tally.purchase(purchase('p-1', 20_000, { points_redeemed: 1_000 }), 1);
    tally.purchase(purchase('p-2', 20_000, { points_redeemed: 1_000 }), 2);
    tally.purchase(
      purchase('p-3', 20_000, {
        coupon_code: stamp.toLowerCase(),
        coupon_discount: 5_000,
        membership_discount: 2_000,
        points_redeemed: 3_000,
      }),
      1,
    );
    tally.purchase(purchase('p-4', 20_000, { coupon_code: 'SUMMER10', coupon_discount: 7_000 }), 1);
    tally.purchase(purchase('p-5', 20_000, { coupon_code: stamp, coupon_discount: 1_000 }), 1);
    tally.add('coupon', 'issued', 0);
    tally.purchase(purchase('p-6', 20_000, { membership_discount: 1_500 }), 1);
    expect(tally.ranked()).toEqual([
      { benefit: 'points', source: null, uses: 3, amount: 1_000 + 5_000 + 3_000 },
      // Two uses each: the larger worth first.
      { benefit: 'coupon', source: 'issued', uses: 2, amount: 7_000 },
      { benefit: 'coupon', source: 'stamp_card', uses: 2, amount: 6_000 },
      { benefit: 'membership', source: null, uses: 2, amount: 3_500 },
    ]);
    expect(
      new BenefitTally(programHistory([{ program: DEFAULT_PROGRAM, effective_from: 0 }])).ranked(),
    ).toEqual([]);
  });
});

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
      average_purchase: Math.floor((first.amount_paid + second.amount_paid + 20_000) / 3),
      // B bought twice in February; A had bought before it (on 31 January), B had not.
      repeat_members: 1,
      returning_members: 1,
    });
    // The 28 days before: A bought on 31 January and again in February.
    expect(feb.retention).toEqual({
      from: '2026-01-04',
      to: '2026-01-31',
      members_purchasing: 1,
      retained_members: 1,
      lost_members: 0,
    });
    expect(first.coupon_discount).toBeGreaterThan(0);
    // B's sale used a coupon and points, once each: the coupon, worth more, comes first.
    expect(feb.benefits).toEqual([
      { benefit: 'coupon', source: 'welcome', uses: 1, amount: first.coupon_discount },
      { benefit: 'points', source: null, uses: 1, amount: 1_000 },
    ]);
    expect(first.coupon_discount).toBe(3_000);
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

    // The same as a file for a spreadsheet: every day of the span, quiet ones too, then the
    // span's totals, under the JSON's names.
    const res = await fetch(`${s.base}/reports/activity?from=2026-02-01&to=2026-02-28&format=csv`, {
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="activity-all-2026-02-01-2026-02-28.csv"',
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\uFEFFdate,new_members,purchases,sales_amount,')).toBe(true);
    const [head, ...lines] = parseCsv(text.slice(1)) as [string[], ...string[][]];
    expect(lines).toHaveLength(29);
    const asRecord = (line: string[]) =>
      Object.fromEntries(head.map((h, i) => [h, h === 'date' ? line[i] : Number(line[i])]));
    feb.days.forEach((day: Record<string, unknown>, i: number) => {
      expect(asRecord(lines[i] as string[])).toEqual(day);
    });
    const { date, ...totalsInFile } = asRecord(lines[28] as string[]);
    expect(date).toBe('total');
    expect(totalsInFile).toEqual(
      Object.fromEntries(Object.keys(totalsInFile).map((k) => [k, feb.totals[k]])),
    );
    expect(totalsInFile).toMatchObject({ purchases: 3, sales_amount: 60_000, refunds: 1 });
    expect(asRecord(lines[4] as string[])).toMatchObject({ date: '2026-02-05', purchases: 1 });
    const byStore = await fetch(
      `${s.base}/reports/activity?from=2026-02-01&to=2026-02-28&store_id=store-2&format=csv`,
      { headers: { authorization: 'Bearer test-admin-token-0123456789' } },
    );
    expect(byStore.headers.get('content-disposition')).toContain(
      'activity-store-2-2026-02-01-2026-02-28.csv',
    );
    const storeTotal = asRecord(
      parseCsv((await byStore.text()).replace(/^\uFEFF/, '')).at(-1) as string[],
    );
    expect(storeTotal).toMatchObject({ date: 'total', purchases: 1, sales_amount: 10_000 });

    const jan31 = await report('from=2026-01-31&to=2026-01-31');
    expect(jan31.totals).toMatchObject({ new_members: 1, purchases: 1, sales_amount: 50_000 });
    expect(jan31.days).toEqual([expect.objectContaining({ date: '2026-01-31', purchases: 1 })]);
    // A's first purchase: not returning, and no one bought on the day before.
    expect(jan31.totals).toMatchObject({ returning_members: 0, repeat_members: 0 });
    expect(jan31.retention).toMatchObject({ from: '2026-01-30', members_purchasing: 0 });

    const store2 = await report('from=2026-02-01&to=2026-02-28&store_id=store-2');
    expect(store2.totals).toMatchObject({
      new_members: 0,
      purchases: 1,
      members_purchasing: 1,
      sales_amount: 10_000,
      refunds: 0,
      // A's January purchase was at store 1: at store 2, A is a new buyer.
      returning_members: 0,
    });
    expect(store2.retention).toMatchObject({ members_purchasing: 0, retained_members: 0 });
    expect(store2.benefits).toEqual([]);
    const none = await report('from=2025-02-01&to=2025-02-28');
    expect(none.totals).toMatchObject({ purchases: 0, average_purchase: null });
  });

  it('ranks the benefits members used, most used first', async () => {
    const join = async (name: string, phone: string) =>
      (await s.api('POST', '/customers', { name, phone, occurred_at: '2026-07-01T10:00:00+09:00' }))
        .body.customer_id as string;
    const welcome = async (who: string) =>
      (await s.api('GET', `/customers/${who}/coupons?as_of=2026-07-02T09:00:00%2B09:00`)).body
        .coupons[0].code as string;
    const buy = async (who: string, at: string, body: Record<string, unknown>) => {
      const res = await s.api('POST', `/customers/${who}/purchases`, {
        store_id: 'store-1',
        occurred_at: at,
        ...body,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    const c = await join('C', '010-3300-0001');
    const d = await join('D', '010-3300-0002');
    // C: the welcome coupon on a large first sale, then points three times.
    const first = await buy(c, '2026-07-02T12:00:00+09:00', {
      amount: 100_000,
      coupon_code: await welcome(c),
    });
    for (const day of ['03', '04', '05'])
      await buy(c, `2026-07-${day}T12:00:00+09:00`, { amount: 10_000, redeem_points: 1_000 });
    // D: the welcome coupon used at the counter, on no sale (a till's own event).
    const till = await TestDevice.pair(s, 'store-1', 'cashier', 'benefits till');
    const used = await till.sync([
      await till.event(
        'coupon_used',
        d,
        { code: await welcome(d) },
        Date.parse('2026-07-06T12:00:00+09:00'),
      ),
    ]);
    expect(used.body.acks[0]).toMatchObject({ status: 'applied' });

    const july = await report('from=2026-07-01&to=2026-07-31');
    // Points were used three times, the coupon twice though it was worth more.
    expect(july.benefits).toEqual([
      { benefit: 'points', source: null, uses: 3, amount: 3_000 },
      { benefit: 'coupon', source: 'welcome', uses: 2, amount: first.coupon_discount },
    ]);
    expect(first.coupon_discount).toBe(10_000);
    expect(july.totals).toMatchObject({ purchases: 4, coupons_used: 2, points_redeemed: 3_000 });
    // The day of the counter's use counts it too.
    expect(july.days[5]).toMatchObject({ date: '2026-07-06', coupons_used: 1, purchases: 0 });
  });

  it('tells returning, repeat, retained and lost buyers apart', async () => {
    const join = async (name: string, phone: string) =>
      (await s.api('POST', '/customers', { name, phone, occurred_at: '2026-03-01T10:00:00+09:00' }))
        .body.customer_id as string;
    const buy = async (who: string, at: string, store = 'store-1') => {
      const res = await s.api('POST', `/customers/${who}/purchases`, {
        store_id: store,
        amount: 10_000,
        occurred_at: at,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    // May's report: 31 days; the span before it is 31 March to 30 April.
    const c = await join('C', '010-3200-0001');
    const d = await join('D', '010-3200-0002');
    const e = await join('E', '010-3200-0003');
    const f = await join('F', '010-3200-0004');
    const g = await join('G', '010-3200-0005');
    await buy(c, '2026-03-10T12:00:00+09:00'); // long before: returning in May, not retained
    await buy(c, '2026-05-10T12:00:00+09:00');
    await buy(d, '2026-04-15T12:00:00+09:00'); // bought in April only: lost
    await buy(e, '2026-04-30T23:30:00+09:00'); // the last hour of April, then May's first
    await buy(e, '2026-05-01T00:10:00+09:00');
    await buy(f, '2026-03-30T23:30:00+09:00'); // the day before the span before: returning
    await buy(f, '2026-05-20T12:00:00+09:00');
    await buy(g, '2026-05-03T12:00:00+09:00'); // new in May, twice: repeat
    await buy(g, '2026-05-04T12:00:00+09:00');
    const h = await join('H', '010-3200-0006');
    await buy(h, '2026-03-05T12:00:00+09:00'); // at store 1; in May at store 2 only
    await buy(h, '2026-05-15T12:00:00+09:00', 'store-2');

    const may = await report('from=2026-05-01&to=2026-05-31');
    expect(may.totals).toMatchObject({
      purchases: 6,
      members_purchasing: 5,
      repeat_members: 1,
      returning_members: 4,
      average_purchase: 10_000,
    });
    expect(may.retention).toEqual({
      from: '2026-03-31',
      to: '2026-04-30',
      members_purchasing: 2,
      retained_members: 1,
      lost_members: 1,
    });
    // At store 2, H is a new buyer in May: what H bought at store 1 is store 1's.
    const may2 = await report('from=2026-05-01&to=2026-05-31&store_id=store-2');
    expect(may2.totals).toMatchObject({ members_purchasing: 1, returning_members: 0 });
    expect(may2.retention).toMatchObject({ members_purchasing: 0, lost_members: 0 });
  });

  it('refuses a span it cannot read, and says why', async () => {
    for (const bad of [
      'from=2026-02-01',
      'from=2026-02-30&to=2026-03-01',
      'from=2026-03-01&to=2026-02-01',
      'from=2026-01-01&to=2027-01-02',
      'from=1 Feb&to=2026-02-28',
      'from=2026-02-01&to=2026-02-28&limit=5',
      'from=2026-02-01&to=2026-02-28&format=xml',
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
    const paidA = (await buy(a, { amount: 40_000, occurred_at: '2026-01-20T12:00:00+09:00' }))
      .amount_paid as number;
    const paidB = (await buy(b, { amount: 900_000, occurred_at: '2026-01-21T12:00:00+09:00' }))
      .amount_paid as number;
    const paidC = (
      await buy(c, {
        amount: 20_000,
        redeem_points: 1_000,
        occurred_at: '2026-01-22T12:00:00+09:00',
      })
    ).amount_paid as number;
    const paidD = (await buy(d, { amount: 15_000, occurred_at: '2026-02-10T12:00:00+09:00' }))
      .amount_paid as number;
    // E spends every point a big sale earned, then the sale is refunded: a debt.
    const big = await buy(e, { amount: 200_000, occurred_at: '2026-01-23T12:00:00+09:00' });
    const paidE = (
      await buy(e, {
        amount: 30_000,
        redeem_points: 1_000 + big.points_earned,
        occurred_at: '2026-01-24T12:00:00+09:00',
      })
    ).amount_paid as number;
    const refund = await s.api('POST', `/purchases/${big.purchase_id}/refunds`, {
      occurred_at: '2026-01-25T12:00:00+09:00',
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    // What the members paid over their membership, less refunds: E's big sale came back whole.
    expect(refund.body.amount_refunded).toBe(big.amount_paid);
    expect(paidC).toBe(19_000);
    const january = paidA + paidB + paidC + paidE;

    // By hand: before anyone joined, nothing; on 7 January, two members with their 1,000
    // sign-up points each, worth 2,000 won (a point is worth 1 won in the default program).
    expect(await report('2026-01-01T00:00:00+09:00')).toMatchObject({
      members: 0,
      points_outstanding: 0,
      liability: { amount: 0, currency: 'KRW' },
      members_in_debt: 0,
      lifetime_spend: { amount: 0, average_per_member: null },
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
      // The members' lifetime spend and its average (the customer lifetime value so far).
      const spend = at === '2026-01-26T00:00:00+09:00' ? january : january + paidD;
      expect(got.lifetime_spend, at).toEqual({
        amount: spend,
        average_per_member: Math.floor(spend / 7),
        currency: 'KRW',
        exponent: 0,
      });
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
