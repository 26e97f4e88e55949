import { describe, expect, it } from 'vitest';
import { drink, goods, seoul, Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import { balanceOf } from './lots';
import { MAX_POINTS } from './money';
import { parseProgram } from './program';
import type { LedgerEvent } from './events';
import { advance, apply } from './replay';
import { parseInstant } from './time';

describe('earning (PROGRAM.md section 2)', () => {
  it('counts a purchase recorded twice (same purchase id, another event) once', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'));
    till.sell(seoul('2026-03-10T11:00:00'), { lines: [drink(2)] });
    const sold = till.sell(seoul('2026-03-11T11:00:00'), { lines: [drink(1, 30_000)] });
    till.sell(seoul('2026-03-12T11:00:00'), { amount: 20_000 });
    const once = till.state(seoul('2026-03-13T10:00:00'));
    const original = till.events.find(
      (e) => e.type === 'purchase_recorded' && e.payload.purchase_id === sold.purchase_id,
    );
    // The same sale again, a day later, under a new event id (a till that resent it).
    till.events.push({
      ...(original as LedgerEvent),
      event_id: 'resent',
      seq: 99,
      occurred_at: seoul('2026-03-12T12:00:00'),
    });
    const twice = till.state(seoul('2026-03-13T10:00:00'));
    expect(twice.purchase_count).toBe(3);
    expect(twice.purchases.size).toBe(3);
    expect(twice.stamps_total).toBe(once.stamps_total);
    expect(balanceOf(twice, DEFAULT_PROGRAM)).toEqual(balanceOf(once, DEFAULT_PROGRAM));
    expect(twice.lots).toEqual(once.lots);
    expect(twice.purchases.get(sold.purchase_id)?.event_id).toBe(original?.event_id);

    // The same when a held state is advanced event by event (the endpoint's way).
    const held = till.state(seoul('2026-03-12T11:30:00'));
    const resent = till.events[till.events.length - 1] as LedgerEvent;
    const at = parseInstant(resent.occurred_at);
    advance(held, till.programs, at);
    apply(held, till.programs, resent, at);
    expect(held.purchase_count).toBe(3);
    expect(held.lots).toEqual(once.lots);
  });

  it('credits the signup bonus at enrollment', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'));
    expect(balanceOf(till.state(seoul('2026-03-10T10:00:00')), DEFAULT_PROGRAM).total).toBe(1_000);
  });

  it('doubles the first purchase and rounds down after the multiplier', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'));
    // 49 won at 2 % x2 = 1.96 -> 1 point (rounding before the multiplier would give 0).
    const first = till.sell(seoul('2026-03-11T10:00:00'), { amount: 49 });
    expect(first.points_earned).toBe(1);
    expect(first.first_purchase).toBe(true);
    // The second purchase is not doubled: 123,456 x 2 % = 2,469.12 -> 2,469.
    const second = till.sell(seoul('2026-03-12T10:00:00'), { amount: 123_456 });
    expect(second.points_earned).toBe(2_469);
    expect(second.first_purchase).toBe(false);
    expect(balanceOf(till.state(seoul('2026-03-12T10:00:00')), DEFAULT_PROGRAM).total).toBe(
      1_000 + 1 + 2_469,
    );
  });

  it('earns on the money paid: not on the coupon discount nor on the points redeemed', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'));
    till.sell(seoul('2026-03-10T11:00:00'), { amount: 50_000 }); // first purchase: 2,000 points
    const welcome = [...till.state(seoul('2026-03-10T11:00:00')).coupons.values()].find(
      (c) => c.source === 'welcome',
    );
    expect(welcome).toBeDefined();
    const q = till.quote(seoul('2026-03-11T10:00:00'), { amount: 87_650, redeem_points: 2_500 });
    // 87,650 - 2,500 points = 85,150 paid, 2 % = 1,703.
    expect(q.amount_paid).toBe(85_150);
    expect(q.points_earned).toBe(1_703);
  });

  it('uses the single highest multiplier per line: promotions do not stack', () => {
    const program = parseProgram({
      ...DEFAULT_PROGRAM,
      promotions: [
        {
          id: 'spring-drinks',
          name: 'Spring drinks x3',
          multiplier_bp: 30_000,
          starts_at: '2026-03-01T00:00:00+09:00',
          ends_at: '2026-04-01T00:00:00+09:00',
          categories: ['drink'],
          stores: null,
        },
        {
          id: 'other-store',
          name: 'Another store x5',
          multiplier_bp: 50_000,
          starts_at: '2026-03-01T00:00:00+09:00',
          ends_at: '2026-04-01T00:00:00+09:00',
          categories: null,
          stores: ['store-9'],
        },
      ],
    });
    const till = new Till('m', program);
    till.enroll(seoul('2026-03-10T10:00:00'));
    // First purchase (x2) with a drink line (x3 campaign) and a goods line: the drink line
    // earns x3 (not x6), the goods line x2. 10,000 x 2 % x 3 = 600; 30,000 x 2 % x 2 = 1,200.
    const q = till.sell(seoul('2026-03-10T11:00:00'), {
      lines: [drink(2, 5_000), goods(1, 30_000)],
    });
    expect(q.points_earned).toBe(1_800);
    expect(q.multiplier_bp).toBe(30_000);
    // After the campaign ends, the drink earns the plain rate: 10,000 x 2 % = 200.
    const after = till.quote(seoul('2026-04-01T00:00:00'), {
      amount: 10_000,
      lines: [drink(2, 5_000)],
    });
    expect(after.points_earned).toBe(200);
  });

  it('earns at the rate of the tier in force at the purchase', () => {
    const till = new Till();
    till.enroll(seoul('2026-01-05T10:00:00'));
    till.sell(seoul('2026-01-20T10:00:00'), { amount: 700_000 }); // first: 2 % x2 = 28,000
    // 1 February: Nov + Dec + Jan = 700,000 >= 200,000 x 3: SILVER (3 %).
    const q = till.sell(seoul('2026-02-03T10:00:00'), { amount: 33_333 });
    expect(q.earn_rate_bp).toBe(300);
    expect(q.points_earned).toBe(999);
  });

  it('earns at most 10^12 points on one sale, so that a balance stays exact', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'));
    // 2^53 - 1 won, first purchase: 4 % of it is 3.6 x 10^14 points.
    const q = till.sell(seoul('2026-03-10T11:00:00'), { amount: 2 ** 53 - 1 });
    expect(q.points_earned).toBe(MAX_POINTS);
    const state = till.state(seoul('2026-03-10T12:00:00'));
    const balance = balanceOf(state, DEFAULT_PROGRAM, parseInstant(seoul('2026-03-10T12:00:00')));
    expect(balance.total).toBe(1_000 + MAX_POINTS);
    expect(Number.isSafeInteger(balance.total)).toBe(true);
    // Just under the bound, nothing is taken off: 4 % of 25,000,000,000,000 is 10^12 exactly.
    const other = new Till('member-2');
    other.enroll(seoul('2026-03-10T10:00:00'));
    expect(
      other.quote(seoul('2026-03-10T11:00:00'), { amount: 24_999_999_999_975 }).points_earned,
    ).toBe(999_999_999_999);
  });
});
