/** The HTTP contract of API.md against the real server, on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESTORED_AT, writeMeta } from '../../server/context';
import {
  ADMIN_TOKEN,
  BACKENDS,
  TestDevice,
  iso,
  startServer,
  type Running,
} from '../support/server';
import { recordBackup } from '../../server/api-admin';
import { devicesText } from '../../server/reports';

describe.each(BACKENDS)('API on %s', (backend) => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer(backend);
  });
  afterAll(async () => {
    await s.close();
  });

  const enroll = async (phone: string, extra: Record<string, unknown> = {}) => {
    const res = await s.api('POST', '/customers', { name: 'Kim Minji', phone, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  it('answers the health probe and publishes its OpenAPI document', async () => {
    expect((await s.api('GET', '/health', undefined, null)).body).toEqual({
      ok: true,
      version: expect.any(String),
    });
    const doc = (await s.api('GET', '/openapi.json', undefined, null)).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/customers',
      '/customers/{customer_id}/points',
      '/purchases/{purchase_id}/refunds',
      '/sync',
      '/devices/pair',
      '/program',
      '/staff',
      '/reports/activity',
      '/reports/points',
      '/devices/{device_id}',
      '/integrations/{integration_id}',
      '/backups',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('says when the last backup was taken (none yet, then the one the backup command noted)', async () => {
    expect((await s.api('GET', '/backups')).body).toEqual({
      database: backend,
      last: null,
      restored: null,
    });
    const record = {
      at: '2026-12-04T02:00:00.000Z',
      file: '/srv/backups/loyalty-2026-12-04.db',
      bytes: 4_096,
      members: 12,
      events: 138,
    };
    await recordBackup(s.app.ctx.db, record);
    await recordBackup(s.app.ctx.db, { ...record, at: '2026-12-05T02:00:00.000Z' });
    expect((await s.api('GET', '/backups')).body).toEqual({
      database: backend,
      last: { ...record, at: '2026-12-05T02:00:00.000Z' },
      restored: null,
    });
  });

  it('after a restore, names the devices that have not synced since, for two days', async () => {
    const device = async (name: string) => {
      const made = await s.api('POST', '/devices', { store_id: 'store-1', role: 'cashier', name });
      const paired = await s.api(
        'POST',
        '/devices/pair',
        { pairing_code: made.body.pairing_code },
        null,
      );
      return { device_id: made.body.device_id as string, token: paired.body.token as string };
    };
    const sync = (d: { device_id: string; token: string }) =>
      s.api(
        'POST',
        '/sync',
        { protocol: 1, device_id: d.device_id, events: [], cursor: 0 },
        d.token,
      );
    const early = await device('Restore early');
    const late = await device('Restore late');
    await device('Restore silent');
    const gone = await device('Restore gone');
    expect((await sync(early)).status).toBe(200);
    expect((await s.api('DELETE', `/devices/${gone.device_id}`)).status).toBe(200);
    await s.api('POST', '/devices', {
      store_id: 'store-1',
      role: 'kiosk',
      name: 'Restore unpaired',
    });
    const markRestored = (at: number) => writeMeta(s.app.ctx.db, RESTORED_AT, String(at));
    try {
      await markRestored(Date.now() + 1_000);
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await sync(late)).status).toBe(200);
      const names = (body: { restored: { not_synced_since: { name: string }[] } }) =>
        body.restored.not_synced_since.map((d) => d.name).filter((n) => n.startsWith('Restore'));
      const now = (await s.api('GET', '/backups')).body;
      expect(now.restored).toMatchObject({ at: expect.any(String), catching_up: true });
      // Synced before the restore, or never: listed. Synced since, revoked, or never paired: not.
      expect(names(now)).toEqual(['Restore early', 'Restore silent']);
      // npm run admin -- devices says it above the list.
      const listed = (await devicesText(s.app.ctx, 'store-1')).split('\n');
      expect(listed[0]).toMatch(/^restored from a backup at .*not synced since: .*Restore early/);
      expect(listed[0]).not.toContain('Restore late');
      await markRestored(Date.now() - 3 * 86_400_000);
      const later = (await s.api('GET', '/backups')).body;
      expect(later.restored.catching_up).toBe(false);
      expect((await devicesText(s.app.ctx, 'store-1')).split('\n')[0]).toMatch(/^store +role/);
    } finally {
      await s.app.ctx.db.run(`DELETE FROM meta WHERE key = 'restored_at'`);
    }
  });

  it("lists the owner's members by name, and finds them by part of a name, card or phone number", async () => {
    // Own names, so that other tests' members (all Kim Minji) stay out of the searches below.
    const made = [];
    for (const [name, phone] of [
      ['Yoo Hana', '010-7000-1001'],
      ['yoo Dana', '010-7000-2002'],
      ['Bae 100%_off', '010-7000-3003'],
      ['Bae Sol', '010-7000-4004'],
    ] as const)
      made.push((await s.api('POST', '/customers', { name, phone })).body);
    const names = async (query: string) => {
      const res = await s.api('GET', `/customers?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((i: { name: string }) => i.name);
    };
    // Part of a name, whatever its case; ordered by name.
    expect(await names('q=YOO')).toEqual(['Yoo Hana', 'yoo Dana'].sort());
    // % and _ are letters of a name, not patterns.
    expect(await names(`q=${encodeURIComponent('0%_')}`)).toEqual(['Bae 100%_off']);
    expect(await names(`q=${encodeURIComponent('%')}`)).toEqual(['Bae 100%_off']);
    // The last four digits of a phone number, the whole number typed either way, a card.
    expect(await names('q=4004')).toEqual(['Bae Sol']);
    expect(await names(`q=${encodeURIComponent('+82 10-7000-2002')}`)).toEqual(['yoo Dana']);
    expect(await names(`q=${made[0].card_number}`)).toEqual(['Yoo Hana']);
    expect(await names('q=nobody-here')).toEqual([]);
    // The whole list, page by page, in the same order and with nothing missed or repeated.
    const all = await s.api('GET', '/customers?limit=200');
    expect(all.body.next_offset).toBeNull();
    const seen: string[] = [];
    for (let offset: number | null = 0; offset !== null;) {
      const page: {
        body: { items: { customer_id: string; phone: string }[]; next_offset: number | null };
      } = await s.api('GET', `/customers?limit=3&offset=${offset}`);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((i) => i.customer_id));
      offset = page.body.next_offset;
    }
    expect(seen).toEqual(all.body.items.map((i: { customer_id: string }) => i.customer_id));
    expect(all.body.items.find((i: { name: string }) => i.name === 'Bae Sol')).toEqual({
      customer_id: made[3].customer_id,
      name: 'Bae Sol',
      phone: '01070004004',
      card_number: made[3].card_number,
      store_id: 'store-1',
      enrolled_at: made[3].enrolled_at,
    });
    // Bad paging is said, not guessed at.
    for (const bad of [
      'limit=0',
      'limit=201',
      'limit=ten',
      'offset=-1',
      'sort=name',
      'q=' + 'x'.repeat(101),
    ]) {
      const res = await s.api('GET', `/customers?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('invalid_input');
    }
  });

  it('sends each answer with its length in bytes, not chunked', async () => {
    const made = await enroll('010-3333-0001', { name: '김민지 Kim' });
    const res = await fetch(`${s.base}/customers/${made.customer_id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBeNull();
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBeGreaterThan(bytes.toString('utf8').length);
    expect(JSON.parse(bytes.toString('utf8')).name).toBe('김민지 Kim');
  });

  it('lets devices call it from their own origin (CORS with bearer tokens)', async () => {
    const pre = await fetch(`${s.base}/customers`, {
      method: 'OPTIONS',
      headers: { origin: 'chrome-extension://abc', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    const health = await fetch(`${s.base}/health`, {
      headers: { origin: 'chrome-extension://abc' },
    });
    expect(health.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('enrolls a member with the signup bonus and a welcome coupon, and finds it by phone and card', async () => {
    const c = await enroll('010-1111-2222', { birthday: '1991-02-03', pin: '4321' });
    expect(c).toMatchObject({
      tier: 'BASIC',
      next_tier: 'SILVER',
      next_tier_name: 'Silver',
      amount_to_next_tier: 600_000,
      points: { total_points: 1_000, available_points: 1_000 },
      stamps: { count: 0, per_card: 10 },
    });
    expect(c.coupons).toEqual([
      expect.objectContaining({ kind: 'percent', value: 1_000, status: 'active' }),
    ]);
    expect(c.card_number).toMatch(/^8\d{11}$/);
    const byPhone = await s.api('GET', '/customers/lookup?phone=01011112222');
    expect(byPhone.body.customer_id).toBe(c.customer_id);
    const byCard = await s.api('GET', `/customers/lookup?card_number=${c.card_number}`);
    expect(byCard.body.customer_id).toBe(c.customer_id);
    expect((await s.api('GET', '/customers/lookup?phone=0109999999')).status).toBe(404);
    expect(
      (await s.api('POST', '/customers', { name: 'Again', phone: '01011112222' })).status,
    ).toBe(409);
    // One number however it is written: the default program's phone rule is Korea's.
    for (const typed of ['+82 10-1111-2222', '0082 10 1111 2222', '+82 (0)10 1111 2222']) {
      const found = await s.api('GET', `/customers/lookup?phone=${encodeURIComponent(typed)}`);
      expect(found.body.customer_id, typed).toBe(c.customer_id);
      const again = await s.api('POST', '/customers', { name: 'Again', phone: typed });
      expect(again.status, typed).toBe(409);
    }
    // Another country's number is another number, kept in its international form.
    const abroad = await enroll('+44 20 7946 0958');
    expect(abroad.phone).toBe('+442079460958');
    const byAbroad = await s.api('GET', '/customers/lookup?phone=%2B442079460958');
    expect(byAbroad.body.customer_id).toBe(abroad.customer_id);
  });

  it('records purchases, quotes without recording, and reports points, coupons and history', async () => {
    const c = await enroll('010-2000-0001');
    const welcome = c.coupons[0].code;
    const quote = await s.api('POST', `/customers/${c.customer_id}/quote`, {
      store_id: 'store-1',
      amount: 45_678,
      coupon_code: welcome,
    });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({
      coupon_discount: 4_567,
      amount_paid: 41_111,
      points_earned: 1_644,
    });
    expect((await s.api('GET', `/customers/${c.customer_id}/points`)).body.total_points).toBe(
      1_000,
    );
    const sale = await s.api('POST', `/customers/${c.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 45_678,
      coupon_code: welcome,
      lines: [
        { sku: 'latte', category: 'drink', quantity: 2, unit_price: 5_339 },
        { sku: 'beans', category: 'goods', quantity: 1, unit_price: 35_000 },
      ],
    });
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    expect(sale.body).toMatchObject({
      amount: 45_678,
      coupon_discount: 4_567,
      points_redeemed: 0,
      amount_paid: 41_111,
      points_earned: 1_644,
      stamps_added: 2,
      balance_after: 2_644,
    });
    expect(sale.body.purchase_id).toEqual(expect.any(String));
    const points = await s.api('GET', `/customers/${c.customer_id}/points`);
    expect(points.body).toMatchObject({
      customer_id: c.customer_id,
      total_points: 2_644,
      available_points: 2_644,
      pending_points: 0,
      points_expiring_soon: 0,
    });
    const coupons = await s.api('GET', `/customers/${c.customer_id}/coupons`);
    expect(coupons.body.coupons.find((x: { code: string }) => x.code === welcome).status).toBe(
      'used',
    );
    const history = await s.api('GET', `/customers/${c.customer_id}/history?limit=1`);
    expect(history.body.items).toEqual([
      expect.objectContaining({ kind: 'purchase', points: 1_644 }),
    ]);
    expect(history.body).toMatchObject({ total: 2, next_offset: 1 });
    const profile = await s.api('GET', `/customers/${c.customer_id}`);
    expect(profile.body.stamps.count).toBe(2);
  });

  it('refuses what the rules refuse with 422 and records nothing', async () => {
    const c = await enroll('010-2000-0002');
    const tooFew = await s.api('POST', `/customers/${c.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 10_000,
      redeem_points: 999,
    });
    expect(tooFew.status).toBe(422);
    expect(tooFew.body.error.code).toBe('redeem_below_minimum');
    const noCoupon = await s.api('POST', `/customers/${c.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 10_000,
      coupon_code: 'NOPE',
    });
    expect(noCoupon.body.error.code).toBe('coupon_not_found');
    expect((await s.api('GET', `/customers/${c.customer_id}/history`)).body.total).toBe(1);
  });

  it('lets only one of many simultaneous sales spend the same points or the same coupon', async () => {
    const c = await enroll('010-2000-0012');
    const buy = (body: Record<string, unknown>) =>
      s.api('POST', `/customers/${c.customer_id}/purchases`, { store_id: 'store-1', ...body });
    const coupon = (await s.api('GET', `/customers/${c.customer_id}/coupons`)).body.coupons[0];
    expect(coupon).toMatchObject({ status: 'active' });
    // Ten tills (or web shop requests) at once, each with the whole signup bonus.
    const spends = await Promise.all(
      Array.from({ length: 10 }, () => buy({ amount: 5_000, redeem_points: 1_000 })),
    );
    expect(spends.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(422)]);
    expect(spends.find((r) => r.status === 422)?.body.error.code).toBe('redeem_exceeds_balance');
    const c2 = await enroll('010-2000-0013');
    const coupon2 = (await s.api('GET', `/customers/${c2.customer_id}/coupons`)).body.coupons[0];
    const uses = await Promise.all(
      Array.from({ length: 6 }, () =>
        s.api('POST', `/customers/${c2.customer_id}/purchases`, {
          store_id: 'store-1',
          amount: 50_000,
          coupon_code: coupon2.code,
        }),
      ),
    );
    expect(uses.map((r) => r.status).sort()).toEqual([201, ...Array(5).fill(422)]);
    expect(uses.find((r) => r.status === 422)?.body.error.code).toBe('coupon_used');
    const points = (await s.api('GET', `/customers/${c.customer_id}/points`)).body;
    expect(points).toMatchObject({ debt: 0 });
    expect(points.total_points).toBeGreaterThanOrEqual(0);
    // One sale recorded: its earn and its redemption, beside the signup bonus.
    const history = (await s.api('GET', `/customers/${c.customer_id}/history`)).body.items;
    expect(history.map((i: { kind: string; points: number }) => [i.kind, i.points])).toEqual([
      ['purchase', 160],
      ['redeem', -1_000],
      ['signup', 1_000],
    ]);
    expect(coupon.code).toMatch(/^WL-/);
  });

  it('refuses a backdated sale that would spend a coupon or points spent already after it', async () => {
    const hour = 3_600_000;
    const c = await enroll('010-2000-0014', { occurred_at: iso(Date.now() - 3 * hour) });
    const buy = (body: Record<string, unknown>) =>
      s.api('POST', `/customers/${c.customer_id}/purchases`, { store_id: 'store-1', ...body });
    const code = (await s.api('GET', `/customers/${c.customer_id}/coupons`)).body.coupons[0].code;
    expect((await buy({ amount: 50_000, coupon_code: code, redeem_points: 1_000 })).status).toBe(
      201,
    );
    const history = async () =>
      (await s.api('GET', `/customers/${c.customer_id}/history`)).body.total;
    const recorded = await history();
    // An hour earlier, the coupon was unused and the points were there: the check as of that
    // time passes, but the sale after it would then have used both twice.
    const earlier = iso(Date.now() - hour);
    const coupon = await buy({ amount: 50_000, coupon_code: code, occurred_at: earlier });
    expect(coupon.status).toBe(422);
    expect(coupon.body.error).toMatchObject({
      code: 'coupon_used',
      details: { conflict: 'coupon_reused' },
    });
    // Paid wholly in points, so it earns nothing that the later sale could spend instead.
    const points = await buy({ amount: 1_000, redeem_points: 1_000, occurred_at: earlier });
    expect(points.status).toBe(422);
    expect(points.body.error).toMatchObject({
      code: 'redeem_exceeds_balance',
      details: { conflict: 'overdrawn' },
    });
    expect(await history()).toBe(recorded);
    const conflicts = await s.app.ctx.db.all(`SELECT * FROM conflicts WHERE member_id = ?`, [
      c.customer_id,
    ]);
    expect(conflicts).toEqual([]);
    // A backdated sale that conflicts with nothing is recorded as before.
    expect((await buy({ amount: 10_000, occurred_at: earlier })).status).toBe(201);

    // The same for a refund: refunded in full now, then again as of an hour ago.
    const sold = await buy({ amount: 20_000, occurred_at: iso(Date.now() - 2 * hour) });
    const refunds = `/purchases/${sold.body.purchase_id}/refunds`;
    expect((await s.api('POST', refunds, {})).status).toBe(201);
    const again = await s.api('POST', refunds, { occurred_at: earlier });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({
      code: 'refund_exceeds_purchase',
      details: { conflict: 'refund_invalid' },
    });
  });

  it('refunds partly then fully, reversing exactly what was earned and redeemed', async () => {
    const c = await enroll('010-2000-0003');
    await s.api('POST', `/customers/${c.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 400_000,
    });
    const sale = await s.api('POST', `/customers/${c.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 99_999,
      redeem_points: 12_345,
    });
    expect(sale.body).toMatchObject({ amount_paid: 87_654, points_earned: 1_753 });
    const first = await s.api('POST', `/purchases/${sale.body.purchase_id}/refunds`, {
      amount: 33_333,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      amount_refunded: 29_218,
      points_reversed: 585,
      points_restored: 4_115,
      coupon_restored: false,
    });
    const rest = await s.api('POST', `/purchases/${sale.body.purchase_id}/refunds`, {});
    expect(rest.body).toMatchObject({
      amount_refunded: 58_436,
      points_reversed: 1_168,
      points_restored: 8_230,
    });
    expect(rest.body.balance_after).toBe(1_000 + 16_000);
    const again = await s.api('POST', `/purchases/${sale.body.purchase_id}/refunds`, { amount: 1 });
    expect(again.status).toBe(422);
    expect((await s.api('POST', '/purchases/no-such-purchase/refunds', {})).status).toBe(404);
  });

  it('credits both members of a referral at the first purchase and reverses both on a full refund', async () => {
    const alice = await enroll('010-3000-0001');
    const bob = await enroll('010-3000-0002', { referral_code: alice.referral_code.toLowerCase() });
    const sale = await s.api('POST', `/customers/${bob.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 30_000,
    });
    expect(sale.body).toMatchObject({
      referral_bonus: 5_000,
      points_earned: 1_200,
      balance_after: 7_200,
    });
    expect((await s.api('GET', `/customers/${alice.customer_id}/points`)).body.total_points).toBe(
      6_000,
    );
    await s.api('POST', `/purchases/${sale.body.purchase_id}/refunds`, {});
    expect((await s.api('GET', `/customers/${alice.customer_id}/points`)).body.total_points).toBe(
      1_000,
    );
    expect((await s.api('GET', `/customers/${bob.customer_id}/points`)).body.total_points).toBe(
      1_000,
    );
    const unknown = await s.api('POST', '/customers', {
      name: 'X',
      phone: '01030000003',
      referral_code: 'ZZZZZZZ',
    });
    expect(unknown.status).toBe(422);
  });

  it('answers reads as of a past moment', async () => {
    const c = await enroll('010-2000-0004', { occurred_at: '2026-01-05T10:00:00+09:00' });
    const big = await s.api('POST', `/customers/${c.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 3_100_000,
      occurred_at: '2026-01-20T10:00:00+09:00',
    });
    // The month's spend passed 500,000: its coupon, with what issued it (for a screen to word).
    expect(big.body.coupons_issued).toEqual([
      expect.objectContaining({ source: 'monthly_spend', category: null, kind: 'percent' }),
    ]);
    const jan = await s.api('GET', `/customers/${c.customer_id}?as_of=2026-01-31T23:00:00%2B09:00`);
    const feb = await s.api('GET', `/customers/${c.customer_id}?as_of=2026-02-01T00:00:00%2B09:00`);
    expect([jan.body.tier, feb.body.tier]).toEqual(['BASIC', 'PLATINUM']);
    expect(feb.body.perks).toEqual(['dedicated_manager']);
    const before = await s.api(
      'GET',
      `/customers/${c.customer_id}/points?as_of=2026-01-10T00:00:00%2B09:00`,
    );
    expect(before.body.total_points).toBe(1_000);
    expect((await s.api('GET', `/customers/${c.customer_id}/points?as_of=yesterday`)).status).toBe(
      400,
    );
  });

  it('replays the first response for a repeated Idempotency-Key and refuses it with another body', async () => {
    const c = await enroll('010-2000-0005');
    const body = { store_id: 'store-1', amount: 20_000 };
    const key = { 'idempotency-key': `k-${backend}-1` };
    const a = await s.api('POST', `/customers/${c.customer_id}/purchases`, body, undefined, key);
    const b = await s.api('POST', `/customers/${c.customer_id}/purchases`, body, undefined, key);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect((await s.api('GET', `/customers/${c.customer_id}/points`)).body.total_points).toBe(
      1_000 + 800,
    );
    const other = await s.api(
      'POST',
      `/customers/${c.customer_id}/purchases`,
      { ...body, amount: 20_001 },
      undefined,
      key,
    );
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('publishes program versions and names the bad field of a definition', async () => {
    const current = (await s.api('GET', '/program')).body;
    expect(current).toMatchObject({ version: 1, time_zone: 'Asia/Seoul' });
    const bad = await s.api('PUT', '/program', { ...current, signup_bonus: -5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('signup_bonus');
    const next = await s.api('PUT', '/program', { ...current, signup_bonus: 2_000 });
    expect(next.body).toMatchObject({ version: 2, signup_bonus: 2_000 });
    expect((await s.api('GET', '/program')).body.version).toBe(2);
    const c = await enroll('010-2000-0006');
    expect(c.points.total_points).toBe(2_000);
  });

  it('gives versions published at once numbers one after another, and keeps the newest in force', async () => {
    const current = (await s.api('GET', '/program')).body;
    const published = await Promise.all(
      Array.from({ length: 6 }, (_, i) => s.api('PUT', '/program', { ...current, name: `v${i}` })),
    );
    expect(published.map((r) => r.status)).toEqual(Array(6).fill(200));
    const versions = published.map((r) => r.body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6].map((i) => current.version + i));
    const newest = published.find((r) => r.body.version === current.version + 6)?.body;
    expect((await s.api('GET', '/program')).body).toEqual(newest);
  });

  it('pairs a device with a single-use code and creates staff', async () => {
    const made = await s.api('POST', '/devices', {
      store_id: 'store-1',
      role: 'cashier',
      name: 'Till 1',
    });
    expect(made.status).toBe(201);
    expect(made.body.pairing_code).toMatch(/^\d{8}$/);
    const listed = async () =>
      (
        (await s.api('GET', '/devices?store_id=store-1')).body.devices as { device_id: string }[]
      ).find((d) => d.device_id === made.body.device_id);
    expect(await listed()).toMatchObject({
      name: 'Till 1',
      role: 'cashier',
      paired_at: null,
      pairing_open: true,
      last_sync_at: null,
      events: 0,
    });
    expect((await s.api('GET', '/devices?store_id=store-2')).body.devices).toEqual([]);
    expect((await s.api('GET', '/stores')).body.stores).toContainEqual(
      expect.objectContaining({ store_id: 'store-1' }),
    );
    const staff = await s.api('POST', '/staff', {
      store_id: 'store-1',
      name: 'Park',
      pin: '2468',
      role: 'manager',
    });
    expect(staff.status).toBe(201);
    const paired = await s.api(
      'POST',
      '/devices/pair',
      { pairing_code: made.body.pairing_code },
      null,
    );
    expect(paired.body).toMatchObject({
      device_id: made.body.device_id,
      store_id: 'store-1',
      role: 'cashier',
      program: { version: expect.any(Number) },
    });
    expect(paired.body.staff).toEqual([
      expect.objectContaining({
        staff_id: staff.body.staff_id,
        role: 'manager',
        pin_hash: expect.stringMatching(/^scrypt\$/),
      }),
    ]);
    expect(
      (await s.api('POST', '/devices/pair', { pairing_code: made.body.pairing_code }, null)).status,
    ).toBe(404);
    expect((await s.api('GET', '/program', undefined, paired.body.token)).status).toBe(200);
    expect(await listed()).toMatchObject({ paired_at: expect.any(String), pairing_open: false });
  });

  it('makes PIN and phone hashes that devices can check offline', async () => {
    const { verifyPinHash, phoneHashOf } = await import('../../shared/protocol');
    const { hashPin, phoneHash } = await import('../../server/crypto');
    const stored = await hashPin('2468');
    expect(verifyPinHash('2468', stored)).toBe(true);
    expect(verifyPinHash('2469', stored)).toBe(false);
    expect(phoneHashOf('key-1', '010-1234-5678')).toBe(phoneHash('key-1', '01012345678'));
  });

  it('locks a member PIN after 5 wrong tries', async () => {
    const c = await enroll('010-2000-0007', { pin: '1357' });
    expect(
      (await s.api('POST', `/customers/${c.customer_id}/pin/verify`, { pin: '1357' })).status,
    ).toBe(200);
    for (let i = 1; i <= 4; i += 1) {
      const wrong = await s.api('POST', `/customers/${c.customer_id}/pin/verify`, { pin: '0000' });
      expect(wrong.body.error).toMatchObject({
        code: 'pin_wrong',
        details: { attempts_left: 5 - i },
      });
    }
    expect(
      (await s.api('POST', `/customers/${c.customer_id}/pin/verify`, { pin: '0000' })).status,
    ).toBe(429);
    const locked = await s.api('POST', `/customers/${c.customer_id}/pin/verify`, { pin: '1357' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('pin_locked');
  });

  it('checks at most five PINs of many sent at once, then locks', async () => {
    const c = await enroll('010-2000-0015', { pin: '2468' });
    const verify = (pin: string) =>
      s.api('POST', `/customers/${c.customer_id}/pin/verify`, { pin });
    // A script guessing: twelve guesses at once. Counting each attempt after its check let
    // every one of them read the same count, and none was locked out.
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => verify(String(1000 + i))),
    );
    const codes = guesses.map((r) => r.body.error.code);
    expect(codes.filter((code) => code === 'pin_wrong')).toHaveLength(4);
    expect(codes.filter((code) => code === 'pin_locked')).toHaveLength(8);
    expect(guesses.every((r) => r.status === 422 || r.status === 429)).toBe(true);
    const right = await verify('2468');
    expect(right.status).toBe(429);
    expect(right.body.error.details.retry_after_seconds).toBeGreaterThan(14 * 60);
  });
});

describe('lookups are rate limited', () => {
  it('answers 429 past the limit', async () => {
    const s = await startServer('sqlite', { lookupsPerMinute: 3 });
    try {
      const codes = [];
      for (let i = 0; i < 5; i += 1)
        codes.push((await s.api('GET', '/customers/lookup?phone=01000000000')).status);
      expect(codes).toEqual([404, 404, 404, 429, 429]);
      // A device's searches for members it does not hold take from the same limit.
      const till = await TestDevice.pair(s, 'store-1', 'cashier', 'Till');
      const asks = [
        () => s.api('GET', '/sync/member?q=01000000000', undefined, till.token),
        () => s.api('POST', '/sync/member', { phone: '01000000000', pin: '1234' }, till.token),
        () => s.api('GET', '/customers/lookup?card_number=0000', undefined, till.token),
        () => s.api('GET', '/sync/member?q=card-0000', undefined, till.token),
        () => s.api('POST', '/sync/member', { phone: '01000000000', pin: '1234' }, till.token),
      ];
      const answers = [];
      for (const ask of asks) answers.push((await ask()).status);
      expect(answers).toEqual([404, 404, 404, 429, 429]);
    } finally {
      await s.close();
    }
  });
});
