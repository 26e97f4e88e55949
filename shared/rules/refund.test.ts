import { describe, expect, it } from 'vitest';
import { drink, goods, seoul, Till } from '../../test/support/ledger';
import { DEFAULT_PROGRAM } from './default-program';
import { balanceOf } from './lots';
import { usableCoupons } from './coupons';
import { quoteRefund } from './refund';
import { checkRefund } from './check';
import type { EventOf, LedgerEvent, Payload } from './events';
import { replay } from './replay';
import { parseInstant } from './time';

const total = (till: Till, at: string): number =>
  balanceOf(till.state(seoul(at)), DEFAULT_PROGRAM).total;

describe('refunds (PROGRAM.md section 8)', () => {
  function member(): Till {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    till.sell(seoul('2026-03-01T11:00:00'), { amount: 400_000 }); // first: 16,000 -> 17,000
    return till;
  }

  it('reverses earned points and gives back redeemed points in proportion, exactly over the whole', () => {
    const till = member();
    const sale = till.sell(seoul('2026-03-05T10:00:00'), { amount: 99_999, redeem_points: 12_345 });
    expect(sale).toMatchObject({ amount_paid: 87_654, points_earned: 1_753 });
    const first = till.refund(seoul('2026-03-06T10:00:00'), {
      purchase_id: sale.purchase_id,
      amount: 33_333,
    });
    // remaining paid = floor(87,654 x 66,666 / 99,999) = 58,436; kept = floor(1,753 x 58,436 / 87,654) = 1,168.
    expect(first).toMatchObject({
      amount_refunded: 29_218,
      points_reversed: 585,
      points_restored: 4_115,
      full: false,
    });
    const second = till.refund(seoul('2026-03-07T10:00:00'), {
      purchase_id: sale.purchase_id,
      amount: 66_666,
    });
    expect(second).toMatchObject({
      amount_refunded: 58_436,
      points_reversed: 1_168,
      points_restored: 8_230,
      full: true,
    });
    expect(first.points_reversed + second.points_reversed).toBe(1_753);
    expect(first.points_restored + second.points_restored).toBe(12_345);
    expect(total(till, '2026-03-07T12:00:00')).toBe(17_000);
  });

  it('applies a refund id once, even when a second event carries it', () => {
    const till = member();
    const sale = till.sell(seoul('2026-03-05T10:00:00'), { amount: 50_000 }); // earns 1,000
    till.refund(seoul('2026-03-06T10:00:00'), { purchase_id: sale.purchase_id, amount: 20_000 });
    const recorded = till.events[till.events.length - 1] as LedgerEvent;
    // The same refund written again under another event id (a retry from another screen).
    till.record('purchase_refunded', '2026-03-06T10:05:00+09:00', {
      ...(recorded.payload as Payload<'purchase_refunded'>),
    });
    const state = till.state(seoul('2026-03-07T10:00:00'));
    const record = state.purchases.get(sale.purchase_id);
    expect(record?.refund_ids).toEqual([
      (recorded.payload as Payload<'purchase_refunded'>).refund_id,
    ]);
    expect(record?.refunded_gross).toBe(20_000);
    // 17,000 + 1,000 earned - 400 reversed once (not twice).
    expect(total(till, '2026-03-07T10:00:00')).toBe(17_600);
  });

  it('refunds by lines, taking the stamps of those lines with them', () => {
    const till = member();
    const sale = till.sell(seoul('2026-03-05T10:00:00'), {
      lines: [drink(3, 4_500), goods(1, 20_500)],
    });
    expect(sale).toMatchObject({ amount: 34_000, stamps_added: 3, points_earned: 680 });
    const q = till.refund(seoul('2026-03-06T10:00:00'), {
      purchase_id: sale.purchase_id,
      lines: [{ sku: 'americano', quantity: 2 }],
    });
    // 9,000 of 34,000 returned: keeps floor(680 x 25,000 / 34,000) = 500.
    expect(q).toMatchObject({
      amount: 9_000,
      amount_refunded: 9_000,
      points_reversed: 180,
      stamps_removed: 2,
    });
    expect(till.state(seoul('2026-03-06T12:00:00')).stamps_total).toBe(1);
    const tooMany = quoteRefund(
      till.state(seoul('2026-03-06T12:00:00')),
      DEFAULT_PROGRAM,
      { purchase_id: sale.purchase_id, lines: [{ sku: 'americano', quantity: 2 }] },
      Date.parse(seoul('2026-03-06T12:00:00')),
    );
    expect(!tooMany.ok && tooMany.error.code).toBe('refund_exceeds_purchase');
  });

  it('counts the refunded units of any sku, one named __proto__ too', () => {
    const till = member();
    const sale = till.sell(seoul('2026-03-05T10:00:00'), {
      lines: [drink(2, 4_500, '__proto__'), goods(1, 20_000)],
    });
    const one = { purchase_id: sale.purchase_id, lines: [{ sku: '__proto__', quantity: 1 }] };
    expect(till.refund(seoul('2026-03-06T10:00:00'), one)).toMatchObject({
      amount: 4_500,
      stamps_removed: 1,
    });
    const state = till.state(seoul('2026-03-06T12:00:00'));
    expect(state.purchases.get(sale.purchase_id)?.refundedUnits('__proto__')).toBe(1);
    const again = quoteRefund(
      state,
      DEFAULT_PROGRAM,
      one,
      Date.parse(seoul('2026-03-06T12:00:00')),
    );
    expect(again.ok && again.value.amount).toBe(4_500);
    till.refund(seoul('2026-03-07T10:00:00'), one);
    const third = quoteRefund(
      till.state(seoul('2026-03-07T12:00:00')),
      DEFAULT_PROGRAM,
      one,
      Date.parse(seoul('2026-03-07T12:00:00')),
    );
    expect(!third.ok && third.error.code).toBe('refund_exceeds_purchase');
  });

  it('gives redeemed points back into their lots with their expiry: an expired lot comes back expired', () => {
    const till = new Till();
    till.enroll(seoul('2026-01-10T10:00:00')); // 1,000 expiring 2027-01-10
    till.sell(seoul('2026-06-01T10:00:00'), { amount: 50_000 }); // 2,000 expiring 2027-06-01
    const sale = till.sell(seoul('2027-01-05T10:00:00'), { amount: 10_000, redeem_points: 1_500 }); // 1,000 signup + 500 June
    expect(sale.points_earned).toBe(170);
    // Refunded in full after the signup lot expired: its 1,000 come back expired, the 500 come back live.
    till.refund(seoul('2027-01-20T10:00:00'), { purchase_id: sale.purchase_id });
    expect(total(till, '2027-01-20T12:00:00')).toBe(2_000);
  });

  it('restores the coupon of a purchase refunded in full, while the coupon is still valid', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    const welcome = usableCoupons(till.state(seoul('2026-03-01T10:00:00')))[0];
    expect(welcome?.source).toBe('welcome');
    const sale = till.sell(seoul('2026-03-02T10:00:00'), {
      amount: 80_000,
      coupon_code: welcome?.code ?? '',
    });
    expect(sale.coupon_discount).toBe(8_000);
    const partial = till.refund(seoul('2026-03-03T10:00:00'), {
      purchase_id: sale.purchase_id,
      amount: 40_000,
    });
    expect(partial.coupon_restored).toBe(false);
    const rest = till.refund(seoul('2026-03-04T10:00:00'), { purchase_id: sale.purchase_id });
    expect(rest.coupon_restored).toBe(true);
    expect(till.state(seoul('2026-03-04T12:00:00')).coupons.get(welcome?.code ?? '')?.status).toBe(
      'active',
    );
  });

  it('records a refund in an event that carries its figures, as the endpoint re-checks them', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    const welcome = usableCoupons(till.state(seoul('2026-03-01T10:00:00')))[0];
    const sale = till.sell(seoul('2026-03-02T10:00:00'), {
      lines: [drink(2, 5_000), goods(1, 30_000, 'beans')],
      coupon_code: welcome?.code ?? '',
      redeem_points: 1_000,
    });
    const refundAt = seoul('2026-03-03T10:00:00');
    const q = till.refund(refundAt, {
      purchase_id: sale.purchase_id,
      lines: [
        { sku: 'americano', quantity: 2 },
        { sku: 'beans', quantity: 1 },
      ],
    });
    // Every figure is one a wrong copy would get wrong: none is 0 and no two are equal.
    expect(q).toMatchObject({
      amount: 40_000,
      amount_refunded: 35_000,
      points_reversed: 1_400,
      points_restored: 1_000,
      coupon_restored: true,
      stamps_removed: 2,
    });
    const event = till.events[till.events.length - 1] as EventOf<'purchase_refunded'>;
    expect(event.payload).toEqual({
      refund_id: 'till-1-r2',
      purchase_id: sale.purchase_id,
      amount: 40_000,
      lines: [
        { sku: 'americano', quantity: 2 },
        { sku: 'beans', quantity: 1 },
      ],
      amount_refunded: 35_000,
      points_reversed: 1_400,
      points_restored: 1_000,
      coupon_restored: true,
      stamps_removed: 2,
    });
    const at = parseInstant(refundAt);
    const before = replay(till.memberId, till.events.slice(0, -1), till.programs, at);
    expect(checkRefund(before, DEFAULT_PROGRAM, event, at)).toEqual([]);
  });

  it('does not restore a coupon whose validity has ended', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    const welcome = usableCoupons(till.state(seoul('2026-03-01T10:00:00')))[0];
    const sale = till.sell(seoul('2026-03-02T10:00:00'), {
      amount: 80_000,
      coupon_code: welcome?.code ?? '',
    });
    // Valid 30 days: through 31 March, so the end is 1 April 00:00.
    const late = till.refund(seoul('2026-04-01T00:00:00'), { purchase_id: sale.purchase_id });
    expect(late.coupon_restored).toBe(false);
  });

  it('takes back a free unit by its line: no money, no points, its stamp', () => {
    const till = member();
    const sale = till.sell(seoul('2026-03-05T10:00:00'), {
      lines: [drink(1, 0, 'free-tasting'), drink(2, 4_000)],
    });
    const q = till.refund(seoul('2026-03-06T10:00:00'), {
      purchase_id: sale.purchase_id,
      lines: [{ sku: 'free-tasting', quantity: 1 }],
    });
    expect(q).toMatchObject({
      amount: 0,
      amount_refunded: 0,
      points_reversed: 0,
      stamps_removed: 1,
      full: false,
    });
    expect(() =>
      till.refund(seoul('2026-03-06T11:00:00'), { purchase_id: sale.purchase_id, amount: 0 }),
    ).toThrow(/nothing to refund/);
  });

  it('refuses refunding more than the purchase', () => {
    const till = member();
    const sale = till.sell(seoul('2026-03-05T10:00:00'), { amount: 10_000 });
    till.refund(seoul('2026-03-06T10:00:00'), { purchase_id: sale.purchase_id, amount: 6_000 });
    expect(() =>
      till.refund(seoul('2026-03-06T11:00:00'), { purchase_id: sale.purchase_id, amount: 4_001 }),
    ).toThrow(/at most 4000/);
  });
});
