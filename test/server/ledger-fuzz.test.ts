/**
 * Whatever a till, a channel or the owner sends, the endpoint never answers 5xx and the member
 * stays readable (docs/decisions/0016-bounded-work.md). Three parts, each on both databases:
 *
 * - signed events with valid chains and hashes but edge values (amounts near 2^53, quantities
 *   in the millions, refunds of unknown sales, coupons valid backwards, times out of order):
 *   applied, flagged or rejected;
 * - enrollments, sales and refunds through the API with edge text, phone forms and amounts;
 * - programs published with edge values (time zones, rates, bonuses, stamp cards), and sales
 *   under them.
 *
 * After each history every read of the member answers 200 and every number in it is a safe
 * integer. `FUZZ_RUNS` (40 by default) sets how many histories; a quarter as many programs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType } from '../../shared/rules';
import { TestDevice, enrollment, startServer, type Running } from '../support/server';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 40);

const edge = fc.oneof(
  fc.constantFrom(0, 1, 2, 99, 2 ** 31, 2 ** 52, 2 ** 53 - 1),
  fc.integer({ min: 0, max: 10_000_000 }),
);
const signed = fc.oneof(
  edge,
  edge.map((n) => -n),
);
const id = fc.constantFrom('p1', 'p2', 'p3', 'x');
const code = fc.constantFrom('C1', 'C2', 'ZZ');
const line = fc.record({
  sku: fc.constantFrom('latte', 'cake', 'mug'),
  category: fc.constantFrom('drink', 'food', 'goods'),
  quantity: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) },
    edge.filter((n) => n >= 1),
  ),
  unit_price: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 20_000 }) }, edge),
});
type FuzzLine = { quantity: number; unit_price: number };
const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -400, max: 400 }).map((days) => ({ days })) },
  fc.constantFrom({ at: '1970-01-01T00:00:00Z' }),
);

type Draft = { type: EventType; payload: unknown; time: { days: number } | { at: string } };

const purchase = fc
  .record({
    purchase_id: id,
    lines: fc.oneof(fc.constant([]), fc.array(line, { maxLength: 3 })),
    amount: edge,
    coupon_code: fc.option(code),
    coupon_discount: edge,
    membership_discount: fc.constantFrom(0, 0, 1),
    points_redeemed: edge,
    points_earned: edge,
    stamps_added: edge,
    offline: fc.boolean(),
  })
  .map((p) => {
    const amount =
      p.lines.length > 0
        ? (p.lines as FuzzLine[]).reduce((s, l) => s + l.quantity * l.unit_price, 0)
        : p.amount;
    const coupon_discount = p.coupon_code ? Math.min(p.coupon_discount, amount) : 0;
    const points_redeemed = Math.min(p.points_redeemed, amount - coupon_discount);
    const membership_discount = Math.min(
      p.membership_discount,
      amount - coupon_discount - points_redeemed,
    );
    return {
      ...p,
      amount,
      receipt_id: null,
      coupon_discount,
      points_redeemed,
      membership_discount,
      amount_paid: amount - coupon_discount - points_redeemed - membership_discount,
    };
  });

const draft: fc.Arbitrary<Omit<Draft, 'time'>> = fc.oneof(
  purchase.map((payload) => ({ type: 'purchase_recorded' as const, payload })),
  fc
    .record({
      refund_id: fc.constantFrom('r1', 'r2', 'r3'),
      purchase_id: id,
      amount: edge,
      lines: fc.array(
        fc.record({
          sku: fc.constantFrom('latte', 'cake', 'mug', 'none'),
          quantity: edge.filter((n) => n >= 1),
        }),
        { maxLength: 2 },
      ),
      amount_refunded: edge,
      points_reversed: edge,
      points_restored: edge,
      coupon_restored: fc.boolean(),
      stamps_removed: edge,
    })
    .map((payload) => ({ type: 'purchase_refunded' as const, payload })),
  fc
    .record({
      code,
      kind: fc.constantFrom('percent', 'fixed', 'free_item', 'service'),
      value: edge,
      name: fc.constant('Gift'),
      category: fc.option(fc.constantFrom('drink', 'food')),
      valid_from: fc.constantFrom('2025-01-01T00:00:00Z', '2999-01-01T00:00:00Z'),
      valid_until: fc.constantFrom('1970-01-01T00:00:00Z', '2999-12-31T00:00:00Z'),
      first_purchase_only: fc.boolean(),
    })
    .map((payload) => ({ type: 'coupon_issued' as const, payload })),
  code.map((c) => ({ type: 'coupon_used' as const, payload: { code: c } })),
  code.map((c) => ({ type: 'coupon_voided' as const, payload: { code: c, reason: 'fuzz' } })),
  signed
    .filter((n) => n !== 0)
    .map((points) => ({
      type: 'points_adjusted' as const,
      payload: { points, reason: 'fuzz test', approved_by: 'MANAGER' },
    })),
  fc
    .record({ referee_id: fc.constantFrom('m-x', 'm-y'), purchase_id: id, points: edge })
    .filter((p) => p.points >= 1)
    .chain((payload) =>
      fc.constantFrom(
        { type: 'referral_rewarded' as const, payload },
        { type: 'referral_reversed' as const, payload },
      ),
    ),
  fc
    .record({ partner_id: fc.constant('air'), reference: fc.constantFrom('a', 'b'), points: edge })
    .filter((p) => p.points >= 1)
    .map((payload) => ({ type: 'partner_points_credited' as const, payload })),
  fc
    .record({
      plan_id: fc.constantFrom('plus', 'unknown'),
      ends_at: fc.constantFrom('1970-01-02T00:00:00Z', '2999-01-01T00:00:00Z'),
    })
    .map((payload) => ({ type: 'membership_started' as const, payload })),
  fc
    .constantFrom('plus', 'unknown')
    .map((plan_id) => ({ type: 'membership_cancelled' as const, payload: { plan_id } })),
  fc
    .record({ score: fc.integer({ min: 0, max: 10 }), comment: fc.constant(null) })
    .map((payload) => ({ type: 'feedback_given' as const, payload })),
);

/** Every number of an answer that is not a safe integer (points and money always are). */
function unsafeNumbers(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? [] : [`${path}=${value}`];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => unsafeNumbers(v, `${path}.${k}`));
}

describe.each(['sqlite', 'postgres'] as const)(
  'signed events with edge values on %s',
  (backend) => {
    let s: Running;
    let device: TestDevice;
    let manager: string;
    beforeAll(async () => {
      s = await startServer(backend);
      device = await TestDevice.pair(s, 'store-1', 'cashier');
      const made = await s.api('POST', '/staff', {
        store_id: 'store-1',
        name: 'Kim',
        role: 'manager',
        pin: '4821',
      });
      manager = made.body.staff_id;
    });
    afterAll(async () => {
      await s.close();
    });

    it('never answers 5xx, and the member stays readable (fast-check)', async () => {
      let n = 0;
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ d: draft, time }).map(({ d, time: t }) => ({ ...d, time: t })),
            { minLength: 1, maxLength: 8 },
          ),
          fc.array(line, { maxLength: 2 }),
          fc.constantFrom(
            '',
            '?as_of=1970-01-01T00:00:00Z',
            `?as_of=${new Date(Date.now() + 9 * 365 * 86_400_000).toISOString()}`,
          ),
          async (drafts, quoteLines, asOf) => {
            n += 1;
            const member = `fuzz-${backend}-${n}`;
            const start = Date.now() - 400 * 86_400_000;
            const events = [
              await device.event(
                'member_enrolled',
                member,
                enrollment(`card-${member}`, `R-${member}`),
                start - 86_400_000,
              ),
            ];
            for (const d of drafts) {
              // Ids and codes are the member's own, so that refunds find their purchases.
              const payload = JSON.parse(
                JSON.stringify(d.payload)
                  .replace(/"(p[123]|r[123])"/g, `"${member}-$1"`)
                  .replace('"MANAGER"', JSON.stringify(manager)),
              );
              const at = 'days' in d.time ? start + d.time.days * 86_400_000 : Date.now();
              const extra = 'at' in d.time ? { occurred_at: d.time.at } : {};
              events.push(await device.event(d.type, member, payload, at, extra));
            }
            const pushed = await device.sync(events);
            expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
            for (const ack of pushed.body.acks) seen.add(ack.status);
            // A rejected event leaves a hole in this device's chain: go on with a fresh device.
            if (pushed.body.acks.some((a: { status: string }) => a.status === 'rejected'))
              device = await TestDevice.pair(s, 'store-1', 'cashier');
            for (const path of ['/points', '/history', '/coupons', '']) {
              const res = await s.api('GET', `/customers/${member}${path}${asOf}`);
              expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
              expect(unsafeNumbers(res.body), `${path}: ${JSON.stringify(res.body)}`).toEqual([]);
            }
            const quote = await s.api('POST', `/customers/${member}/quote`, {
              store_id: 'store-1',
              amount: (quoteLines as FuzzLine[]).reduce((t, l) => t + l.quantity * l.unit_price, 0),
              lines: quoteLines,
            });
            expect([200, 400, 422], JSON.stringify(quote.body)).toContain(quote.status);
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
      // The histories reached the rules: some events were applied, and some refused.
      expect([...seen].sort()).toEqual(['applied', 'rejected']);
    }, 600_000);
  },
);

/** Names: mostly ones people have (Hangul, emoji, right-to-left, a quote), sometimes not. */
const edgeText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('김 민준', '😀'.repeat(50), 'שלום', "O'Brien", ' Lee ') },
  fc.constantFrom('', ' ', '\ud800', 'x'.repeat(101)),
  fc.string({ maxLength: 30 }),
);
/** Phone numbers in several forms; `#` becomes the run's own digits, so most are new. */
const phone = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '010-##-####',
      '+82 10 ## ####',
      '0082-10-##-####',
      '+44 20 7#### ##',
      '+82 (0)10 ## ####',
    ),
  },
  fc.constantFrom('010', '+', '0'.repeat(15), '+8210123456789012'),
  fc.stringMatching(/^\+?[0-9 ()-]{4,20}$/),
);

describe.each(['sqlite', 'postgres'] as const)('API writes with edge values on %s', (backend) => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer(backend);
  });
  afterAll(async () => {
    await s.close();
  });

  it('enrolls, sells, refunds and quotes without a 5xx, and the member stays readable', async () => {
    const seen = new Set<number>();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          name: edgeText,
          phone,
          birthday: fc.option(
            fc.constantFrom('2000-02-29', '--02-29', '1899-12-31', '2999-01-01'),
            { freq: 2 },
          ),
          pin: fc.option(fc.constantFrom('1234', '123456', '12', '12a4'), { freq: 2 }),
          card_number: fc.option(fc.constantFrom('CARD-0001', 'c', 'x'.repeat(33)), { freq: 1 }),
        }),
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant('sell' as const),
              lines: fc.array(line, { maxLength: 3 }),
              amount: edge,
              redeem: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, edge),
              coupon: fc.oneof(
                { weight: 3, arbitrary: fc.constant(null) },
                fc.constantFrom('WL-', 'nope', ''),
              ),
            }),
            fc.record({
              op: fc.constant('refund' as const),
              amount: fc.option(edge),
              lines: fc.option(
                fc.array(
                  fc.record({
                    sku: fc.constantFrom('latte', 'cake', 'mug'),
                    quantity: fc.oneof(
                      { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) },
                      edge,
                    ),
                  }),
                  { maxLength: 2 },
                ),
              ),
            }),
          ),
          { maxLength: 4 },
        ),
        async (person, ops) => {
          run += 1;
          const digits = String(run).padStart(6, '0');
          let d = 0;
          const body = Object.fromEntries(
            Object.entries({
              ...person,
              phone: person.phone.replace(/#/g, () => digits[d++ % 6] as string),
            }).filter(([, value]) => value !== null),
          );
          const enrolled = await s.api('POST', '/customers', body);
          expect(enrolled.status, JSON.stringify(enrolled.body)).toBeLessThan(500);
          seen.add(enrolled.status);
          if (enrolled.status !== 201) return;
          const member = enrolled.body.customer_id as string;
          const welcome = (await s.api('GET', `/customers/${member}/coupons`)).body.coupons?.[0]
            ?.code;
          const sold: string[] = [];
          for (const op of ops) {
            let res;
            if (op.op === 'sell') {
              const lines = op.lines as FuzzLine[];
              res = await s.api('POST', `/customers/${member}/purchases`, {
                store_id: 'store-1',
                amount:
                  lines.length > 0
                    ? lines.reduce((t, l) => t + l.quantity * l.unit_price, 0)
                    : op.amount,
                lines,
                ...(op.redeem === null ? {} : { redeem_points: op.redeem }),
                ...(op.coupon === null
                  ? {}
                  : { coupon_code: op.coupon === 'WL-' ? welcome : op.coupon }),
              });
              if (res.status === 201) sold.push(res.body.purchase_id);
            } else {
              const purchase = sold.at(-1) ?? 'no-such-purchase';
              res = await s.api('POST', `/purchases/${purchase}/refunds`, {
                ...(op.amount === null ? {} : { amount: op.amount }),
                ...(op.lines === null ? {} : { lines: op.lines }),
              });
            }
            expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
            seen.add(res.status);
          }
          for (const path of ['/points', '/history', '/coupons', '']) {
            const res = await s.api('GET', `/customers/${member}${path}`);
            expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
            expect(unsafeNumbers(res.body), `${path}: ${JSON.stringify(res.body)}`).toEqual([]);
          }
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    // Both kinds of answer were reached: some writes went through, and some were refused.
    expect([...seen].some((status) => status === 201)).toBe(true);
    expect([...seen].some((status) => status >= 400)).toBe(true);
  }, 600_000);
});

describe.each(['sqlite', 'postgres'] as const)('programs with edge values on %s', (backend) => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer(backend);
  });
  afterAll(async () => {
    await s.close();
  });

  it('publishes or refuses any program, and sales and reads under it never 5xx', async () => {
    let run = 0;
    // Mostly values the schema takes (its edges among them), now and then one it refuses.
    const pick = <T>(valid: readonly T[], invalid: readonly T[]) =>
      fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...valid) },
        { weight: 1, arbitrary: fc.constantFrom(...invalid) },
      );
    const big = [0, 1, 99, 1_000_000, 2 ** 31, 2 ** 53 - 1];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          time_zone: pick(
            ['Asia/Seoul', 'Pacific/Kiritimati', 'America/St_Johns', 'Asia/Kathmandu', 'UTC'],
            ['Mars/Olympus'],
          ),
          point_value: pick([1, 7, 1_000_000], [0]),
          first_purchase_multiplier_bp: pick([10_000, 1_000_000], [0]),
          signup_bonus: pick(big, [-1]),
          threshold: pick(big, [0.5]),
          monthly_coupons: pick([0, 1, 100], [101]),
          lookback_months: pick([1, 24], [25]),
          expiry_months: pick([1, 240], [0]),
          pending_days: pick([0, 366], [367]),
          min_points: pick([1, 1_000, 2 ** 53 - 1], [0]),
          per_card: pick([1, 10, 1_000], [0]),
          reward_valid_days: pick([1, 3_660], [0]),
        }),
        fc.array(line, { maxLength: 3 }),
        async (p, lines) => {
          run += 1;
          const base = (await s.api('GET', '/program')).body;
          const program = {
            ...base,
            time_zone: p.time_zone,
            point_value: p.point_value,
            first_purchase_multiplier_bp: p.first_purchase_multiplier_bp,
            signup_bonus: p.signup_bonus,
            tiers: base.tiers.map((t: { threshold: number }, i: number) => ({
              ...t,
              threshold: i === 0 ? 0 : t.threshold + (i === 1 ? p.threshold : 0),
              monthly_coupons: p.monthly_coupons,
            })),
            tier_evaluation: { ...base.tier_evaluation, lookback_months: p.lookback_months },
            expiry: { ...base.expiry, months: p.expiry_months },
            pending_days: p.pending_days,
            redemption: { min_points: p.min_points },
            stamps: {
              ...base.stamps,
              per_card: p.per_card,
              reward_valid_days: p.reward_valid_days,
            },
          };
          const published = await s.api('PUT', '/program', program);
          expect([200, 400], JSON.stringify(published.body)).toContain(published.status);
          const enrolled = await s.api('POST', '/customers', {
            name: 'Fuzz',
            phone: `0105${String(run).padStart(7, '0')}`,
          });
          expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
          const member = enrolled.body.customer_id as string;
          const amount = (lines as FuzzLine[]).reduce((t, l) => t + l.quantity * l.unit_price, 0);
          // Under the program just published: a version applies from its publication on.
          for (const n of [1, 2, 3]) {
            const sale = await s.api('POST', `/customers/${member}/purchases`, {
              store_id: 'store-1',
              amount,
              lines,
            });
            expect(sale.status, JSON.stringify(sale.body)).toBeLessThan(500);
            if (sale.status === 201 && n === 3) {
              const refund = await s.api('POST', `/purchases/${sale.body.purchase_id}/refunds`, {
                amount: Math.floor(amount / 2),
              });
              expect(refund.status, JSON.stringify(refund.body)).toBeLessThan(500);
            }
          }
          const ahead = new Date(Date.now() + 9 * 365 * 86_400_000).toISOString();
          for (const path of ['/points', '/history', '/coupons', '', `/points?as_of=${ahead}`]) {
            const res = await s.api('GET', `/customers/${member}${path}`);
            expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
            expect(unsafeNumbers(res.body), `${path}: ${JSON.stringify(res.body)}`).toEqual([]);
          }
        },
      ),
      { numRuns: Math.ceil(FUZZ_RUNS / 4) },
    );
  }, 600_000);
});
