import { describe, expect, it } from 'vitest';
import { seoul, Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import { balanceOf } from './lots';
import { parseProgram } from './program';
import { usableCoupons } from './coupons';

/** Rule types of PROGRAM.md section 9: off in the default program, each tested switched on. */
describe('rule types beyond the default program (PROGRAM.md section 9)', () => {
  it('monthly spend cashback: Y % of a month that reached X, credited on the 1st of the next', () => {
    const program = parseProgram({
      ...DEFAULT_PROGRAM,
      cashback: { enabled: true, threshold: 300_000, percent_bp: 150 },
    });
    const till = new Till('m', program);
    till.enroll(seoul('2026-03-01T10:00:00'));
    till.sell(seoul('2026-03-05T10:00:00'), { amount: 345_678 }); // 13,827 points (first x2)
    const before = balanceOf(till.state(seoul('2026-03-31T23:59:59')), program).total;
    const after = balanceOf(till.state(seoul('2026-04-01T00:00:00')), program).total;
    expect(after - before).toBe(5_185); // floor(345,678 x 1.5 %)
    // A month below the threshold earns nothing.
    till.sell(seoul('2026-04-05T10:00:00'), { amount: 299_999 });
    const may = balanceOf(till.state(seoul('2026-05-01T00:00:00')), program).total;
    expect(may - balanceOf(till.state(seoul('2026-04-30T23:59:59')), program).total).toBe(0);
  });

  it('paid membership: an automatic discount at checkout while the plan is active', () => {
    const program = parseProgram({
      ...DEFAULT_PROGRAM,
      membership_plans: [{ id: 'plus', name: 'Plus', monthly_price: 9_900, discount_bp: 700 }],
    });
    const till = new Till('m', program);
    till.enroll(seoul('2026-03-01T10:00:00'));
    till.record('membership_started', seoul('2026-03-02T10:00:00'), {
      plan_id: 'plus',
      ends_at: seoul('2026-04-02T10:00:00'),
    });
    const q = till.quote(seoul('2026-03-10T10:00:00'), { amount: 12_345 });
    expect(q).toMatchObject({ membership_discount: 864, amount_paid: 11_481 });
    expect(till.quote(seoul('2026-04-02T10:00:00'), { amount: 12_345 }).membership_discount).toBe(
      0,
    );
  });

  it('repurchase coupon: after each purchase, a coupon valid N days', () => {
    const program = parseProgram({
      ...DEFAULT_PROGRAM,
      coupons: {
        ...DEFAULT_PROGRAM.coupons,
        repurchase: { enabled: true, valid_days: 7, kind: 'fixed', value: 2_000 },
      },
    });
    const till = new Till('m', program);
    till.enroll(seoul('2026-03-01T10:00:00'));
    const sale = till.sell(seoul('2026-03-02T10:00:00'), { amount: 10_000 });
    expect(sale.coupons_issued).toEqual([
      expect.objectContaining({
        kind: 'fixed',
        value: 2_000,
        source: 'repurchase',
        category: null,
        valid_until: Date.parse('2026-03-10T00:00:00+09:00'),
      }),
    ]);
    const code = sale.coupons_issued[0]?.code ?? '';
    expect(
      till.quote(seoul('2026-03-09T23:00:00'), { amount: 10_000, coupon_code: code })
        .coupon_discount,
    ).toBe(2_000);
    expect(() =>
      till.quote(seoul('2026-03-10T00:00:00'), { amount: 10_000, coupon_code: code }),
    ).toThrow(/expired/);
  });

  it('partner earning: points credited by a named partner, as their own lots', () => {
    const program = parseProgram({
      ...DEFAULT_PROGRAM,
      partners: [{ id: 'airline', name: 'Airline' }],
    });
    const till = new Till('m', program);
    till.enroll(seoul('2026-03-01T10:00:00'));
    till.record('partner_points_credited', seoul('2026-03-03T10:00:00'), {
      partner_id: 'airline',
      reference: 'flight-77',
      points: 2_345,
    });
    const state = till.state(seoul('2026-03-03T11:00:00'));
    expect(balanceOf(state, program).total).toBe(3_345);
    expect(state.lots.filter((l) => l.source === 'partner').map((l) => [l.ref, l.points])).toEqual([
      ['airline:flight-77', 2_345],
    ]);
    expect(usableCoupons(state).length).toBeGreaterThan(0);
  });
});
