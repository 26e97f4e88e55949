import { describe, expect, it } from 'vitest';
import { seoul, Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import { balanceOf } from './lots';
import { replay } from './replay';
import { singleProgram } from './program';
import { usableCoupons } from './coupons';

/** Two offline tills, each with the member's state as of its last sync, record independently. */
describe('offline conflicts (ARCHITECTURE.md, sync rule 6)', () => {
  function twoTills() {
    const a = new Till('member-c', DEFAULT_PROGRAM, 'till-a');
    a.enroll(seoul('2026-03-01T10:00:00'));
    a.sell(seoul('2026-03-01T11:00:00'), { amount: 200_000 }); // 8,000 -> 9,000
    const b = new Till('member-c', DEFAULT_PROGRAM, 'till-b');
    b.events.push(...a.events);
    return { a, b };
  }

  it('keeps both redemptions of the same points: the later one leaves a debt and a conflict', () => {
    const { a, b } = twoTills();
    a.sell(seoul('2026-03-02T10:00:00'), { amount: 9_000, redeem_points: 9_000 });
    b.sell(seoul('2026-03-02T10:05:00'), { amount: 7_000, redeem_points: 7_000 });
    const merged = [...a.events, ...b.events.filter((e) => e.device_id === 'till-b')];
    const state = replay(
      'member-c',
      merged,
      singleProgram(DEFAULT_PROGRAM),
      Date.parse(seoul('2026-03-02T12:00:00')),
    );
    expect(balanceOf(state, DEFAULT_PROGRAM)).toMatchObject({ total: -7_000, debt: 7_000 });
    expect(state.conflicts).toEqual([
      expect.objectContaining({ kind: 'overdrawn', points: 7_000 }),
    ]);
    expect(state.conflicts[0]?.event_id).toBe(b.events[b.events.length - 1]?.event_id);
  });

  it('records the second use of a coupon as a conflict', () => {
    const a = new Till('member-d', DEFAULT_PROGRAM, 'till-a');
    a.enroll(seoul('2026-03-01T10:00:00'));
    a.sell(seoul('2026-03-01T11:00:00'), {
      lines: [{ sku: 'latte', category: 'drink', quantity: 10, unit_price: 5_000 }],
    });
    const card = usableCoupons(a.state(seoul('2026-03-01T12:00:00'))).find(
      (c) => c.source === 'stamp_card',
    );
    const b = new Till('member-d', DEFAULT_PROGRAM, 'till-b');
    b.events.push(...a.events);
    const drink = [{ sku: 'latte', category: 'drink', quantity: 1, unit_price: 5_000 }];
    a.sell(seoul('2026-03-02T10:00:00'), { lines: drink, coupon_code: card?.code ?? '' });
    b.sell(seoul('2026-03-02T10:01:00'), { lines: drink, coupon_code: card?.code ?? '' });
    const merged = [...a.events, ...b.events.filter((e) => e.device_id === 'till-b')];
    const state = replay(
      'member-d',
      merged,
      singleProgram(DEFAULT_PROGRAM),
      Date.parse(seoul('2026-03-02T12:00:00')),
    );
    expect(state.conflicts.map((c) => c.kind)).toEqual(['coupon_reused']);
  });
});
