import { describe, expect, it } from 'vitest';
import { seoul, Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import { balanceOf } from './lots';
import { parseProgram, programHistory } from './program';

const total = (till: Till, at: string): number =>
  balanceOf(till.state(seoul(at)), till.program).total;

describe('expiry and balance (PROGRAM.md section 4)', () => {
  it('expires a lot credited on 29 February at 00:00 on 28 February a year later', () => {
    const till = new Till();
    till.enroll(seoul('2028-02-29T10:00:00'));
    expect(total(till, '2029-02-27T23:59:59')).toBe(1_000);
    expect(total(till, '2029-02-28T00:00:00')).toBe(0);
    expect(till.state(seoul('2029-03-01T00:00:00')).totals.expired).toBe(1_000);
  });

  it('records what expired unused as a movement at the expiry, with the lot it came from', () => {
    const till = new Till();
    const enrolled = till.enroll(seoul('2026-01-05T10:00:00')); // 1,000
    const june = till.sell(seoul('2026-06-10T10:00:00'), { amount: 40_000 }); // 1,600 to 2027-06-10
    // 1,200 redeemed: the signup lot's 1,000, then 200 of June's.
    const july = till.sell(seoul('2026-07-01T10:00:00'), { amount: 60_000, redeem_points: 1_200 });
    const movements = till
      .state(seoul('2027-06-20T00:00:00'))
      .movements.map((m) => [m.at, m.kind, m.points, m.ref, m.event_id]);
    expect(movements).toEqual([
      [
        Date.parse(seoul('2026-01-05T10:00:00')),
        'signup',
        1_000,
        enrolled.event_id,
        enrolled.event_id,
      ],
      [
        Date.parse(seoul('2026-06-10T10:00:00')),
        'purchase',
        1_600,
        june.purchase_id,
        expect.any(String),
      ],
      [
        Date.parse(seoul('2026-07-01T10:00:00')),
        'redeem',
        -1_200,
        july.purchase_id,
        expect.any(String),
      ],
      [
        Date.parse(seoul('2026-07-01T10:00:00')),
        'purchase',
        1_176,
        july.purchase_id,
        expect.any(String),
      ],
      // June's lot had 1,400 left at 00:00 on 10 June 2027.
      [Date.parse(seoul('2027-06-10T00:00:00')), 'expired', -1_400, june.purchase_id, null],
    ]);
  });

  it('dates a lot by the Seoul calendar, not by UTC', () => {
    const till = new Till();
    // 08:00 on 1 March 2027 in Seoul is 23:00 on 28 February in UTC.
    till.enroll(seoul('2027-03-01T08:00:00'));
    expect(total(till, '2028-02-29T23:59:59')).toBe(1_000);
    expect(total(till, '2028-03-01T00:00:00')).toBe(0);
  });

  it('spends the soonest-expiring lots first', () => {
    const till = new Till();
    till.enroll(seoul('2026-01-05T10:00:00')); // 1,000, expires 2027-01-05
    till.sell(seoul('2026-06-10T10:00:00'), { amount: 40_000 }); // first: 1,600, expires 2027-06-10
    till.sell(seoul('2026-07-01T10:00:00'), { amount: 60_000, redeem_points: 1_200 });
    // 1,200 came from the signup lot (1,000) and the June lot (200); 58,800 x 2 % = 1,176 new.
    expect(total(till, '2027-01-04T12:00:00')).toBe(1_400 + 1_176);
    // Nothing of the signup lot is left to expire on 5 January.
    expect(total(till, '2027-01-05T12:00:00')).toBe(1_400 + 1_176);
    expect(total(till, '2027-06-10T00:00:00')).toBe(1_176);
  });

  it('reports points expiring within the next 30 days', () => {
    const till = new Till();
    till.enroll(seoul('2026-01-05T10:00:00')); // expires 2027-01-05 00:00
    till.sell(seoul('2026-03-10T10:00:00'), { amount: 25_000 }); // 1,000 points, expires 2027-03-10
    const before = balanceOf(till.state(seoul('2026-12-04T10:00:00')), DEFAULT_PROGRAM);
    expect(before.expiring_soon).toBe(0); // 5 January is 32 days away
    const soon = balanceOf(till.state(seoul('2026-12-06T10:00:00')), DEFAULT_PROGRAM);
    expect(soon.expiring_soon).toBe(1_000);
    expect(soon.total).toBe(2_000);
    expect(soon.expiring_soon_before).toBe(Date.parse('2027-01-06T00:00:00+09:00'));
  });

  it('holds purchase points pending for pending_days; total = available + pending', () => {
    const program = parseProgram({ ...DEFAULT_PROGRAM, pending_days: 7 });
    const till = new Till('m', program);
    till.enroll(seoul('2026-03-01T10:00:00'));
    till.sell(seoul('2026-03-02T15:00:00'), { amount: 50_000 }); // 2,000 pending until 9 March 00:00
    const during = balanceOf(till.state(seoul('2026-03-08T23:59:59')), program);
    expect(during).toMatchObject({ available: 1_000, pending: 2_000, total: 3_000 });
    const after = balanceOf(till.state(seoul('2026-03-09T00:00:00')), program);
    expect(after).toMatchObject({ available: 3_000, pending: 0, total: 3_000 });
  });

  it('lets a refund make a debt that the next credits pay off first', () => {
    const till = new Till();
    till.enroll(seoul('2026-01-05T10:00:00'));
    const sale = till.sell(seoul('2026-01-06T10:00:00'), { amount: 100_000 }); // 4,000 (first x2)
    till.sell(seoul('2026-01-07T10:00:00'), { amount: 5_000, redeem_points: 5_000 }); // spends all
    expect(total(till, '2026-01-07T12:00:00')).toBe(0);
    till.refund(seoul('2026-01-08T10:00:00'), { purchase_id: sale.purchase_id });
    const owed = balanceOf(till.state(seoul('2026-01-08T12:00:00')), DEFAULT_PROGRAM);
    expect(owed).toMatchObject({ total: -4_000, debt: 4_000 });
    till.sell(seoul('2026-01-09T10:00:00'), { amount: 150_000 }); // 3,000
    expect(balanceOf(till.state(seoul('2026-01-09T12:00:00')), DEFAULT_PROGRAM)).toMatchObject({
      total: -1_000,
      debt: 1_000,
    });
  });

  it('expires on its day a lot that expires before every lot held (a later, shorter expiry)', () => {
    // Version 2 keeps points one month: a June sale's lot expires before January's signup lot.
    const v2 = parseProgram({
      ...DEFAULT_PROGRAM,
      version: 2,
      expiry: { months: 1, expiring_soon_days: 7 },
    });
    const history = programHistory([
      { program: DEFAULT_PROGRAM, effective_from: 0 },
      { program: v2, effective_from: Date.parse(seoul('2026-06-01T00:00:00')) },
    ]);
    const first = new Till('member-1', DEFAULT_PROGRAM, 'till-1', history);
    first.enroll(seoul('2026-01-05T10:00:00')); // 1,000 to 2027-01-05
    const till = new Till('member-1', v2, 'till-2', history);
    till.events.push(...first.events);
    const june = till.sell(seoul('2026-06-10T10:00:00'), { amount: 40_000 });
    expect(june.points_earned).toBeGreaterThan(0);
    expect(total(till, '2026-07-09T23:59:59')).toBe(1_000 + june.points_earned);
    expect(total(till, '2026-07-10T00:00:00')).toBe(1_000);
    const state = till.state(seoul('2026-08-01T00:00:00'));
    expect(state.totals.expired).toBe(june.points_earned);
    expect(state.movements.filter((m) => m.kind === 'expired').map((m) => m.at)).toEqual([
      Date.parse(seoul('2026-07-10T00:00:00')),
    ]);
  });
});
