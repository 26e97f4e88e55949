import { describe, expect, it } from 'vitest';
import { seoul, Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import { quoteCheckout } from './checkout';
import { RuleError } from './errors';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof RuleError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('redemption (PROGRAM.md section 5)', () => {
  const till = new Till();
  till.enroll(seoul('2026-03-01T10:00:00'));
  till.sell(seoul('2026-03-02T10:00:00'), { amount: 100_000 }); // 4,000 -> balance 5,000
  const at = seoul('2026-03-03T10:00:00');

  it('needs at least 1,000 whole points', () => {
    expect(refusal(() => till.quote(at, { amount: 20_000, redeem_points: 999 }))).toBe(
      'redeem_below_minimum',
    );
    expect(refusal(() => till.quote(at, { amount: 20_000, redeem_points: 1_000.5 }))).toBe(
      'redeem_not_whole',
    );
    expect(till.quote(at, { amount: 20_000, redeem_points: 1_000 }).amount_paid).toBe(19_000);
  });

  it('cannot exceed the available balance', () => {
    expect(refusal(() => till.quote(at, { amount: 20_000, redeem_points: 5_001 }))).toBe(
      'redeem_exceeds_balance',
    );
    expect(till.quote(at, { amount: 20_000, redeem_points: 5_000 }).balance_after).toBe(0 + 300);
  });

  it('cannot exceed the amount due after the coupon', () => {
    const coupon = [...till.state(at).coupons.values()].find((c) => c.source === 'welcome');
    // The welcome coupon is for the first purchase only: already used up by the purchase above.
    expect(coupon?.first_purchase_only).toBe(true);
    expect(refusal(() => till.quote(at, { amount: 3_000, redeem_points: 3_001 }))).toBe(
      'redeem_exceeds_due',
    );
    const q = till.quote(at, { amount: 3_000, redeem_points: 3_000 });
    expect(q).toMatchObject({ amount_paid: 0, points_earned: 0, max_redeemable: 3_000 });
  });

  it('offers "use all" as the most the sale can take', () => {
    expect(till.quote(at, { amount: 20_000 }).max_redeemable).toBe(5_000);
    expect(till.quote(at, { amount: 4_200 }).max_redeemable).toBe(4_200);
    expect(till.quote(at, { amount: 900 }).max_redeemable).toBe(0); // below the minimum
  });

  it('caps redemptions while offline and stops them after the maximum offline time', () => {
    const rich = new Till('rich');
    rich.enroll(seoul('2026-03-01T10:00:00'));
    rich.sell(seoul('2026-03-02T10:00:00'), { amount: 2_000_000 }); // 80,000 points
    const state = rich.state(at);
    const t = Date.parse(at);
    const q = (redeem: number, since: number, already: number) =>
      quoteCheckout(
        state,
        DEFAULT_PROGRAM,
        {
          amount: 200_000,
          redeem_points: redeem,
          store_id: 's',
          offline: { since, redeemed_by_member: already },
        },
        t,
      );
    const hour = 3_600_000;
    expect(q(30_000, t - hour, 0).ok).toBe(true);
    const perPurchase = q(30_001, t - hour, 0);
    expect(!perPurchase.ok && perPurchase.error.code).toBe('redeem_offline_per_purchase');
    const perMember = q(20_001, t - hour, 30_000);
    expect(!perMember.ok && perMember.error.code).toBe('redeem_offline_per_member');
    const tooLong = q(1_000, t - 73 * hour, 0);
    expect(!tooLong.ok && tooLong.error.code).toBe('redeem_offline_too_long');
    // Earning goes on offline, however long.
    const earnOnly = quoteCheckout(
      state,
      DEFAULT_PROGRAM,
      { amount: 200_000, store_id: 's', offline: { since: t - 100 * hour, redeemed_by_member: 0 } },
      t,
    );
    expect(earnOnly.ok && earnOnly.value.points_earned).toBe(4_000);
  });
});
