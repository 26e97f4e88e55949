import { describe, expect, it } from 'vitest';
import { seoul, Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import { balanceOf } from './lots';
import type { Payload } from './events';

/**
 * The referee's credit is derived by replay from its own first purchase; the referrer's comes
 * in a referral_rewarded event that the till records on the referrer's stream with the sale.
 */
describe('referrals (PROGRAM.md section 2)', () => {
  function story() {
    const referrer = new Till('alice');
    referrer.enroll(seoul('2026-02-01T10:00:00'));
    const referee = new Till('bob', DEFAULT_PROGRAM, 'till-2');
    referee.enroll(seoul('2026-03-01T10:00:00'), { referred_by: 'alice' });
    return { referrer, referee };
  }
  const reward = (purchaseId: string, points = 5_000): Payload<'referral_rewarded'> => ({
    referee_id: 'bob',
    purchase_id: purchaseId,
    points,
  });

  it("credits both members 5,000 points at the referee's first purchase, once", () => {
    const { referrer, referee } = story();
    const sale = referee.sell(seoul('2026-03-02T10:00:00'), { amount: 30_000 });
    expect(sale).toMatchObject({ referral_bonus: 5_000, points_earned: 1_200 });
    referrer.record('referral_rewarded', seoul('2026-03-02T10:00:00'), reward(sale.purchase_id));
    expect(balanceOf(referee.state(seoul('2026-03-02T11:00:00')), DEFAULT_PROGRAM).total).toBe(
      1_000 + 1_200 + 5_000,
    );
    expect(balanceOf(referrer.state(seoul('2026-03-02T11:00:00')), DEFAULT_PROGRAM).total).toBe(
      1_000 + 5_000,
    );
    expect(referee.sell(seoul('2026-03-03T10:00:00'), { amount: 30_000 }).referral_bonus).toBe(0);
  });

  it('reverses both credits when the first purchase is refunded in full, not when partly', () => {
    const { referrer, referee } = story();
    const sale = referee.sell(seoul('2026-03-02T10:00:00'), { amount: 30_000 });
    referrer.record('referral_rewarded', seoul('2026-03-02T10:00:00'), reward(sale.purchase_id));
    const part = referee.refund(seoul('2026-03-03T10:00:00'), {
      purchase_id: sale.purchase_id,
      amount: 10_000,
    });
    expect(part.referral_reversed).toBe(0);
    const rest = referee.refund(seoul('2026-03-04T10:00:00'), { purchase_id: sale.purchase_id });
    expect(rest.referral_reversed).toBe(5_000);
    referrer.record('referral_reversed', seoul('2026-03-04T10:00:00'), reward(sale.purchase_id));
    expect(balanceOf(referee.state(seoul('2026-03-04T11:00:00')), DEFAULT_PROGRAM).total).toBe(
      1_000,
    );
    expect(balanceOf(referrer.state(seoul('2026-03-04T11:00:00')), DEFAULT_PROGRAM).total).toBe(
      1_000,
    );
    // A later purchase does not become "first": no new referral credit.
    expect(referee.sell(seoul('2026-03-05T10:00:00'), { amount: 30_000 })).toMatchObject({
      first_purchase: false,
      referral_bonus: 0,
    });
  });

  it('applies a referral reward once even if the event arrives twice', () => {
    const { referrer } = story();
    referrer.record('referral_rewarded', seoul('2026-03-02T10:00:00'), reward('till-2-p1'));
    referrer.record('referral_rewarded', seoul('2026-03-02T10:00:01'), reward('till-2-p1'));
    expect(balanceOf(referrer.state(seoul('2026-03-02T11:00:00')), DEFAULT_PROGRAM).total).toBe(
      6_000,
    );
  });
});
