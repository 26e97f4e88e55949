/**
 * Property-based tests of the ledger's invariants over random member histories (fast-check).
 * Each history is made the way tills make it: quote on the replayed state, record the quote.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import type { Line, LedgerEvent } from './events';
import { balanceOf } from './lots';
import { parseProgram, singleProgram, type Program } from './program';
import { replay } from './replay';
import { summarize } from './summary';
import { formatInstant } from './time';
import { usableCoupons } from './coupons';
import { RuleError } from './errors';

const START = Date.parse('2026-01-05T10:00:00+09:00');
const MINUTE = 60_000;

const PROGRAM = parseProgram({
  ...DEFAULT_PROGRAM,
  promotions: [
    {
      id: 'drinks-x3',
      name: 'Drinks x3',
      multiplier_bp: 30_000,
      starts_at: '2026-02-01T00:00:00+09:00',
      ends_at: '2026-03-01T00:00:00+09:00',
      categories: ['drink'],
      stores: null,
    },
  ],
});

type Op =
  | { kind: 'buy'; gap: number; lines: Line[]; redeem: number; coupon: boolean }
  | { kind: 'refund'; gap: number; pick: number; share: number; byLines: boolean }
  | { kind: 'adjust'; gap: number; points: number };

const lineArb = fc.record({
  sku: fc.constantFrom('americano', 'latte', 'mug', 'beans'),
  category: fc.constantFrom('drink', 'goods'),
  quantity: fc.integer({ min: 1, max: 6 }),
  unit_price: fc.integer({ min: 0, max: 120_000 }),
});
const gapArb = fc.integer({ min: 1, max: 20 * 24 * 60 }); // up to 20 days, in minutes
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('buy' as const),
      gap: gapArb,
      lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
      redeem: fc.integer({ min: 0, max: 30_000 }),
      coupon: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      gap: gapArb,
      pick: fc.nat(),
      share: fc.integer({ min: 1, max: 100 }),
      byLines: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      gap: gapArb,
      points: fc.integer({ min: -3_000, max: 3_000 }).filter((n) => n !== 0),
    }),
  },
);

/** Plays a history through a till; returns it with the time of its last event. */
function play(
  ops: Op[],
  program: Program = PROGRAM,
): { till: Till; end: number; purchases: string[] } {
  const till = new Till('member-p', program);
  let t = START;
  const iso = (ms: number): string => formatInstant('Asia/Seoul', ms);
  till.enroll(iso(t));
  const purchases: string[] = [];
  for (const op of ops) {
    t += op.gap * MINUTE;
    const at = iso(t);
    if (op.kind === 'buy') {
      const state = till.state(at);
      const available = balanceOf(state, program, t).available;
      const amount = op.lines.reduce((s, l) => s + l.quantity * l.unit_price, 0);
      const coupon = op.coupon
        ? usableCoupons(state, t).find((c) => c.kind === 'percent' || c.kind === 'fixed')
        : undefined;
      const probe = till.quote(at, { amount, lines: op.lines, coupon_code: coupon?.code ?? null });
      const cap = Math.min(available, probe.amount_paid);
      const redeem =
        cap >= program.redemption.min_points
          ? Math.max(program.redemption.min_points, Math.min(op.redeem, cap))
          : 0;
      purchases.push(
        till.sell(at, { lines: op.lines, redeem_points: redeem, coupon_code: coupon?.code ?? null })
          .purchase_id,
      );
    } else if (op.kind === 'refund' && purchases.length > 0) {
      // A refund the rules refuse (more than is left, a line already returned) is shown to the
      // cashier and recorded nowhere: the history goes on without it.
      const tryRefund = (input: Parameters<Till['refund']>[1]): void => {
        try {
          till.refund(at, input);
        } catch (error) {
          if (!(error instanceof RuleError)) throw error;
        }
      };
      const id = purchases[op.pick % purchases.length] as string;
      const record = till.state(at).purchases.get(id);
      if (!record || record.refunded_gross >= record.amount) continue;
      if (op.byLines && record.lines.length > 0) {
        const line = record.lines[op.pick % record.lines.length] as Line;
        const left = line.quantity - record.refundedUnits(line.sku);
        const mine =
          record.lines.filter((l) => l.sku === line.sku).reduce((s, l) => s + l.quantity, 0) -
          record.refundedUnits(line.sku);
        const quantity = Math.min(Math.max(1, Math.ceil((left * op.share) / 100)), mine);
        if (quantity > 0 && record.refunded_gross + quantity * line.unit_price <= record.amount) {
          tryRefund({ purchase_id: id, lines: [{ sku: line.sku, quantity }] });
        }
      } else {
        const left = record.amount - record.refunded_gross;
        tryRefund({
          purchase_id: id,
          amount: Math.max(1, Math.floor((left * op.share) / 100)),
        });
      }
    } else if (op.kind === 'adjust') {
      till.record('points_adjusted', at, {
        points: op.points,
        reason: 'property test',
        approved_by: 'manager-1',
      });
    }
  }
  return { till, end: t, purchases };
}

const settings = { numRuns: Number(process.env.FC_RUNS ?? 60) };

describe('ledger invariants (fast-check)', () => {
  it('replay gives the same state whatever order the same events arrive in', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 25 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 60, maxLength: 60 }),
        (ops, keys) => {
          const { till, end } = play(ops);
          const asOf = end + 400 * 24 * 60 * MINUTE; // past expiries and many evaluations
          const programs = singleProgram(PROGRAM);
          const shuffled = till.events
            .map((e, i) => ({ e, k: keys[i % keys.length] as number, i }))
            .sort((a, b) => a.k - b.k || b.i - a.i)
            .map((x) => x.e as LedgerEvent);
          const a = replay(till.memberId, till.events, programs, asOf);
          const b = replay(till.memberId, shuffled, programs, asOf);
          expect(summarize(b, PROGRAM)).toEqual(summarize(a, PROGRAM));
          expect(b.lots).toEqual(a.lots);
          expect(b.tier_history).toEqual(a.tier_history);
          expect(b.totals).toEqual(a.totals);
        },
      ),
      settings,
    );
  });

  it('the balance equals the sum of the live lots minus debts, at any time', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 25 }),
        fc.integer({ min: 0, max: 500 }),
        (ops, daysAfter) => {
          const { till, end } = play(ops);
          const asOf = end + daysAfter * 24 * 60 * MINUTE;
          const state = replay(till.memberId, till.events, singleProgram(PROGRAM), asOf);
          const live = state.lots
            .filter((l) => l.expires_at > asOf)
            .reduce((s, l) => s + l.remaining, 0);
          const b = balanceOf(state, PROGRAM, asOf);
          expect(b.total).toBe(live - state.debt);
          expect(state.lots.every((l) => l.remaining >= 0 && l.remaining <= l.points)).toBe(true);
          expect(state.debt).toBeGreaterThanOrEqual(0);
          // Every point credited is still held, was spent, reversed, or expired.
          const t = state.totals;
          expect(t.issued + t.restored - t.redeemed - t.reversed - t.expired - debits(state)).toBe(
            b.total,
          );
        },
      ),
      settings,
    );
  });

  it('partial refunds that add up to the whole reverse exactly what was earned and redeemed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 5_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 6 }),
        (amount, redeemShare, weights) => {
          const till = new Till('member-r', PROGRAM);
          till.enroll('2026-01-05T10:00:00+09:00');
          till.record('points_adjusted', '2026-01-05T10:00:01+09:00', {
            points: 5_000_000,
            reason: 'seed balance',
            approved_by: 'manager-1',
          });
          const redeem = Math.floor((amount * redeemShare) / 100);
          const sale = till.sell('2026-01-06T10:00:00+09:00', {
            amount,
            redeem_points: redeem >= 1_000 ? redeem : 0,
          });
          const sum = weights.reduce((s, w) => s + w, 0);
          let given = 0;
          let reversed = 0;
          let restored = 0;
          let money = 0;
          weights.forEach((w, i) => {
            const part = i === weights.length - 1 ? amount - given : Math.floor((amount * w) / sum);
            given += part;
            if (part === 0) return;
            const r = till.refund(`2026-01-07T10:${String(i).padStart(2, '0')}:00+09:00`, {
              purchase_id: sale.purchase_id,
              amount: part,
            });
            reversed += r.points_reversed;
            restored += r.points_restored;
            money += r.amount_refunded;
          });
          expect(reversed).toBe(sale.points_earned);
          expect(restored).toBe(sale.points_redeemed);
          expect(money).toBe(sale.amount_paid);
        },
      ),
      settings,
    );
  });

  it('refunding every purchase in full leaves only the bonuses', () => {
    fc.assert(
      fc.property(
        fc.array(
          opArb.filter((o) => o.kind === 'buy'),
          { minLength: 1, maxLength: 15 },
        ),
        (ops) => {
          // Within ten months: nothing expires before the refunds.
          const short = ops.map((o) => ({ ...o, gap: Math.min(o.gap, 15 * 24 * 60) }));
          const { till, end, purchases } = play(short);
          let t = end;
          for (const id of purchases) {
            t += MINUTE;
            const at = formatInstant('Asia/Seoul', t);
            const record = till.state(at).purchases.get(id);
            if (record && record.refunded_gross < record.amount)
              till.refund(at, { purchase_id: id });
          }
          const state = replay(till.memberId, till.events, singleProgram(PROGRAM), t);
          expect(balanceOf(state, PROGRAM, t).total).toBe(PROGRAM.signup_bonus);
          expect(state.conflicts).toEqual([]);
        },
      ),
      settings,
    );
  });

  it('points earned never exceed the highest rate times the amount paid', () => {
    const maxRate = Math.max(...PROGRAM.tiers.map((t) => t.earn_rate_bp));
    const maxMultiplier = Math.max(
      PROGRAM.first_purchase_multiplier_bp,
      ...PROGRAM.promotions.map((p) => p.multiplier_bp),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
        const { till, end } = play(ops);
        const state = replay(till.memberId, till.events, singleProgram(PROGRAM), end);
        for (const p of state.purchases.values()) {
          expect(p.points_earned * 10_000 * 10_000).toBeLessThanOrEqual(
            p.amount_paid * maxRate * maxMultiplier,
          );
        }
      }),
      settings,
    );
  });
});

/** Points taken out by manager debits (they are neither redemptions nor reversals). */
function debits(state: ReturnType<typeof replay>): number {
  return -state.movements
    .filter((m) => m.kind === 'adjustment_debit')
    .reduce((s, m) => s + m.points, 0);
}
