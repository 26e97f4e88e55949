import { describe, expect, it } from 'vitest';
import { seoul, Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import { parseProgram } from './program';
import { nextTier } from './tiers';
import { usableCoupons } from './coupons';

const tierAt = (till: Till, at: string): string => till.state(seoul(at)).tier;

describe('tiers (PROGRAM.md section 3)', () => {
  it('moves straight up to the highest tier, then drops exactly one tier a month', () => {
    const till = new Till();
    till.enroll(seoul('2026-01-05T10:00:00'));
    till.sell(seoul('2026-01-20T10:00:00'), { amount: 3_100_000 });
    expect(tierAt(till, '2026-01-31T23:59:59')).toBe('BASIC'); // no change between evaluations
    expect(tierAt(till, '2026-02-01T00:00:00')).toBe('PLATINUM'); // skips SILVER and GOLD
    expect(tierAt(till, '2026-04-30T12:00:00')).toBe('PLATINUM'); // Jan-Mar still averages 1.03 M
    // 1 May: Feb + Mar + Apr = 0, which qualifies for BASIC only; one step down: GOLD.
    expect(tierAt(till, '2026-05-01T00:00:00')).toBe('GOLD');
    expect(tierAt(till, '2026-06-01T00:00:00')).toBe('SILVER');
    expect(tierAt(till, '2026-07-01T00:00:00')).toBe('BASIC');
    const history = till
      .state(seoul('2026-07-01T00:00:00'))
      .tier_history.map((h) => [h.tier, h.reason]);
    expect(history).toEqual([
      ['BASIC', 'enrolled'],
      ['PLATINUM', 'promoted'],
      ['GOLD', 'demoted'],
      ['SILVER', 'demoted'],
      ['BASIC', 'demoted'],
    ]);
  });

  it('drops to the qualifying tier when the program says so', () => {
    const program = parseProgram({
      ...DEFAULT_PROGRAM,
      tier_evaluation: { lookback_months: 3, demotion: 'to_qualifying' },
    });
    const till = new Till('m', program);
    till.enroll(seoul('2026-01-05T10:00:00'));
    till.sell(seoul('2026-01-20T10:00:00'), { amount: 3_100_000 });
    expect(tierAt(till, '2026-05-01T00:00:00')).toBe('BASIC');
  });

  it('counts a purchase in the Seoul month it happened in, whatever the machine zone', () => {
    const till = new Till();
    till.enroll(seoul('2026-01-05T10:00:00'));
    // 23:30 on the last day of March (14:30 UTC): March. 00:30 on 1 April (15:30 UTC 31 March): April.
    till.sell(seoul('2026-03-31T23:30:00'), { amount: 599_999 });
    till.sell(seoul('2026-04-01T00:30:00'), { amount: 1 });
    // 1 April: Jan + Feb + Mar = 599,999 < 600,000: BASIC (counting the 1 won in March would give SILVER).
    expect(tierAt(till, '2026-04-01T12:00:00')).toBe('BASIC');
    // 1 May: Feb + Mar + Apr = 600,000: SILVER.
    expect(tierAt(till, '2026-05-01T00:00:00')).toBe('SILVER');
  });

  it('counts spend net of coupons, points and refunds', () => {
    const till = new Till();
    till.enroll(seoul('2026-01-05T10:00:00'));
    const sale = till.sell(seoul('2026-01-10T10:00:00'), { amount: 700_000 });
    till.refund(seoul('2026-01-25T10:00:00'), { purchase_id: sale.purchase_id, amount: 100_001 });
    // 700,000 - 100,001 = 599,999 < 600,000.
    expect(tierAt(till, '2026-02-01T00:00:00')).toBe('BASIC');
  });

  it('gives the amount to the next tier from the last two months and this one', () => {
    const till = new Till();
    till.enroll(seoul('2025-12-05T10:00:00'));
    till.sell(seoul('2025-12-20T10:00:00'), { amount: 90_000 }); // too old for March's count
    till.sell(seoul('2026-01-20T10:00:00'), { amount: 100_000 });
    till.sell(seoul('2026-02-20T10:00:00'), { amount: 150_000 });
    till.sell(seoul('2026-03-10T10:00:00'), { amount: 80_000 });
    const state = till.state(seoul('2026-03-15T10:00:00'));
    expect(state.tier).toBe('BASIC');
    // SILVER needs 200,000 x 3 = 600,000; counted Jan + Feb + Mar = 330,000.
    expect(nextTier(state, DEFAULT_PROGRAM)).toMatchObject({
      next_tier: 'SILVER',
      amount_to_next_tier: 270_000,
    });
  });

  it('issues tier coupons, consultation vouchers and shows perks', () => {
    const till = new Till();
    till.enroll(seoul('2026-02-05T10:00:00'));
    till.sell(seoul('2026-02-20T10:00:00'), { amount: 1_600_000 });
    // 1 March: 1.6 M / 3 >= 500,000: GOLD; March is not a quarter start: no consultation.
    const march = till.state(seoul('2026-03-02T10:00:00'));
    expect(march.tier).toBe('GOLD');
    const tierCoupons = usableCoupons(march).filter((c) => c.source === 'tier');
    expect(tierCoupons).toHaveLength(2);
    expect(tierCoupons[0]).toMatchObject({
      kind: 'percent',
      value: 500,
      valid_until: Date.parse('2026-04-01T00:00:00+09:00'),
    });
    expect(usableCoupons(march).some((c) => c.source === 'consultation')).toBe(false);
    // 1 April (a quarter start): still GOLD; two new coupons and a consultation voucher to 30 June.
    const april = till.state(seoul('2026-04-02T10:00:00'));
    const voucher = usableCoupons(april).find((c) => c.source === 'consultation');
    expect(voucher).toMatchObject({
      kind: 'service',
      valid_until: Date.parse('2026-07-01T00:00:00+09:00'),
    });
    expect(usableCoupons(april).filter((c) => c.source === 'tier')).toHaveLength(2);
  });

  it('gives PLATINUM three coupons and a consultation every month', () => {
    const till = new Till();
    till.enroll(seoul('2026-04-05T10:00:00'));
    till.sell(seoul('2026-04-20T10:00:00'), { amount: 3_000_000 });
    const may = till.state(seoul('2026-05-01T00:00:01'));
    expect(may.tier).toBe('PLATINUM');
    expect(usableCoupons(may).filter((c) => c.source === 'tier')).toHaveLength(3);
    expect(usableCoupons(may).filter((c) => c.source === 'consultation')).toHaveLength(1);
    expect(DEFAULT_PROGRAM.tiers.find((t) => t.id === may.tier)?.perks).toEqual([
      'dedicated_manager',
    ]);
  });
});
