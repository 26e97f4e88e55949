import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { BirthdaySchema, MAX_UNITS, PurchaseRecordedSchema } from './events';
import { drink, goods, seoul, Till } from '../../test/support/ledger';
import fc from 'fast-check';
import { couponCode, couponSourceOf, usableCoupons } from './coupons';
import { COUPON_SOURCES } from './state';
import { RuleError } from './errors';

const codeOf = (till: Till, at: string, source: string): string => {
  const c = usableCoupons(till.state(seoul(at))).find((x) => x.source === source);
  if (!c) throw new Error(`no ${source} coupon at ${at}`);
  return c.code;
};

describe('coupons and vouchers (PROGRAM.md section 6)', () => {
  it('gives a welcome coupon, 10 % off the first purchase, valid 30 days', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'));
    const code = codeOf(till, '2026-03-10T10:00:00', 'welcome');
    expect(code).toMatch(/^WL-[0-9A-Z]{10}$/);
    expect(usableCoupons(till.state(seoul('2026-04-09T23:59:59'))).map((c) => c.code)).toContain(
      code,
    );
    expect(
      usableCoupons(till.state(seoul('2026-04-10T00:00:00'))).map((c) => c.code),
    ).not.toContain(code);
    // A percentage coupon applies to the total before points: 10 % of 45,678 = 4,567.
    const q = till.sell(seoul('2026-03-11T10:00:00'), {
      amount: 45_678,
      coupon_code: code.toLowerCase(),
    });
    expect(q).toMatchObject({
      coupon_code: code,
      coupon_discount: 4_567,
      amount_paid: 41_111,
      points_earned: 1_644,
    });
  });

  it('accepts one use only and says why it refuses', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'));
    const code = codeOf(till, '2026-03-10T10:00:00', 'welcome');
    till.sell(seoul('2026-03-11T10:00:00'), { amount: 10_000, coupon_code: code });
    expect(() =>
      till.quote(seoul('2026-03-12T10:00:00'), { amount: 10_000, coupon_code: code }),
    ).toThrow(RuleError);
    expect(() =>
      till.quote(seoul('2026-03-12T10:00:00'), { amount: 10_000, coupon_code: 'NOPE-1' }),
    ).toThrow(/no coupon/);
  });

  it('gives a birthday coupon on the 1st of the birth month, valid to its end', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'), { birthday: '1990-05-17' });
    expect(
      usableCoupons(till.state(seoul('2026-04-30T10:00:00'))).some((c) => c.source === 'birthday'),
    ).toBe(false);
    const may = usableCoupons(till.state(seoul('2026-05-01T00:00:00'))).find(
      (c) => c.source === 'birthday',
    );
    expect(may).toMatchObject({
      value: 1_000,
      valid_until: Date.parse('2026-06-01T00:00:00+09:00'),
    });
  });

  it('reads the birth month of a birthday given without its year (--MM-DD)', () => {
    expect(v.is(BirthdaySchema, '--05-17')).toBe(true);
    expect(v.is(BirthdaySchema, '---05-17')).toBe(false);
    const till = new Till();
    till.enroll(seoul('2026-03-10T10:00:00'), { birthday: '--05-17' });
    expect(till.state(seoul('2026-03-11T10:00:00')).birthday_month).toBe(5);
    expect(
      usableCoupons(till.state(seoul('2026-05-01T00:00:00'))).some((c) => c.source === 'birthday'),
    ).toBe(true);
  });

  it('gives one monthly spend coupon when the month reaches 500,000 before discounts', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    till.sell(seoul('2026-03-05T10:00:00'), { amount: 300_000 });
    const q = till.sell(seoul('2026-03-20T10:00:00'), { amount: 250_000, redeem_points: 1_000 });
    expect(q.coupons_issued).toHaveLength(1);
    expect(q.coupons_issued[0]).toMatchObject({
      value: 500,
      valid_until: Date.parse('2026-05-01T00:00:00+09:00'),
    });
    // Not a second time in the same month.
    expect(
      till.sell(seoul('2026-03-25T10:00:00'), { amount: 600_000 }).coupons_issued,
    ).toHaveLength(0);
  });

  it('takes an unused free item coupon only on a sale with such an item, up to its price', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    till.sell(seoul('2026-03-02T10:00:00'), { lines: [drink(10, 4_800)] });
    const free = codeOf(till, '2026-03-02T11:00:00', 'stamp_card');
    expect(() =>
      till.quote(seoul('2026-03-03T10:00:00'), {
        amount: 9_000,
        lines: [goods(1, 9_000)],
        coupon_code: free,
      }),
    ).toThrow(/category drink/);
    const q = till.quote(seoul('2026-03-03T10:00:00'), {
      amount: 15_200,
      lines: [drink(1, 5_200), goods(1, 10_000)],
      coupon_code: free,
    });
    expect(q.coupon_discount).toBe(5_200);
  });

  it('derives the same code on every replica and different codes for different members', () => {
    expect(couponCode('tier', 'member-1', '24315-1')).toBe(
      couponCode('tier', 'member-1', '24315-1'),
    );
    expect(couponCode('tier', 'member-1', '24315-1')).not.toBe(
      couponCode('tier', 'member-2', '24315-1'),
    );
  });

  it('keeps the codes already issued: two FNV-1a hashes of "member|source|key"', () => {
    // Codes are stored in ledgers and printed on receipts: a faster way of making them must give
    // the same ones. These three were made by the first version (one joined text, then hashed).
    expect(couponCode('tier', 'member-1', '24315-1')).toBe('TR-G0KJ0TPR3W');
    expect(couponCode('stamp_card', '01890a5d-ac96-774b-b9aa-0123456789ab', '818:1')).toBe(
      'ST-BDS3QHG6X1',
    );
    expect(couponCode('welcome', 'mé-ü', '')).toBe('WL-P5XVHRC56B');
    // And any other member and key: the hash of the joined text, as the first version took it.
    const fnv = (text: string, seed: number): number => {
      let h = seed;
      for (const unit of Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)))
        h = Math.imul(h ^ unit, 0x01000193) >>> 0;
      return h;
    };
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const digits = (h: number): string =>
      [0, 5, 10, 15, 20].map((shift) => alphabet[(h >>> shift) & 31]).join('');
    fc.assert(
      fc.property(fc.constantFrom(...COUPON_SOURCES), fc.string(), fc.string(), (source, m, k) => {
        const text = `${m}|${source}|${k}`;
        const code = couponCode(source, m, k);
        expect(code.slice(3)).toBe(digits(fnv(text, 0x811c9dc5)) + digits(fnv(text, 0x01234567)));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 200) },
    );
  });

  it("reads a coupon's source back from its code; a code a person chose is 'issued'", () => {
    for (const source of COUPON_SOURCES)
      expect(couponSourceOf(couponCode(source, 'member-1', 'k-1'))).toBe(source);
    // As a cashier types it: lower case, spaces around.
    expect(couponSourceOf(' st-z4dxnn082j ')).toBe('stamp_card');
    expect(couponSourceOf('SUMMER10')).toBe('issued');
    // A rule's prefix alone does not make a rule's code: ten digits of the alphabet follow it.
    expect(couponSourceOf('ST-FREE')).toBe('issued');
    expect(couponSourceOf('ST-Z4DXNN082JX')).toBe('issued');
    expect(couponSourceOf('ST-Z4DXNN082I')).toBe('issued');
    expect(couponSourceOf('XX-Z4DXNN082J')).toBe('issued');
  });

  it('reads back the source of any code the rules make, and of no other code', () => {
    const runs = { numRuns: Number(process.env.FC_RUNS ?? 200) };
    fc.assert(
      fc.property(fc.constantFrom(...COUPON_SOURCES), fc.string(), fc.string(), (source, m, k) => {
        expect(couponSourceOf(couponCode(source, m, k))).toBe(source);
      }),
      runs,
    );
    // A text that is not a rule's code is a code a person chose, whatever it looks like.
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const ruleLike = /^\s*[A-Za-z]{2}-[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{10}\s*$/.test(text);
        if (!ruleLike) expect(couponSourceOf(text)).toBe('issued');
      }),
      runs,
    );
  });

  it('keeps the codes it has already printed: the derivation never changes', () => {
    // Customers hold these as QR codes and tills derive them again on every replay.
    expect(couponCode('tier', 'member-1', '24315-1')).toBe('TR-G0KJ0TPR3W');
    expect(couponCode('stamp_card', '0193a4b2-7c1e-7d55-9f1e-2a3b4c5d6e7f', '10:1')).toBe(
      'ST-Z4DXNN082J',
    );
    expect(couponCode('welcome', 'm', 'e-1')).toBe('WL-9M5ZYKB80K');
  });
});

describe('stamp card (PROGRAM.md section 7)', () => {
  it('adds a stamp per drink, exchanges every 10 for a free drink valid 90 days, and carries over', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    const q = till.sell(seoul('2026-03-02T10:00:00'), {
      lines: [drink(12, 4_000), goods(2, 3_000, 'cookie', 'food')],
    });
    expect(q.stamps_added).toBe(12);
    expect(q.coupons_issued).toHaveLength(1);
    expect(q.coupons_issued[0]).toMatchObject({
      kind: 'free_item',
      valid_until: Date.parse('2026-06-01T00:00:00+09:00'),
    });
    const state = till.state(seoul('2026-03-02T11:00:00'));
    expect(state.stamps_total - state.stamp_cards.length * 10).toBe(2);
  });

  it('removes stamps of refunded units and voids the card coupon they undo while it is unused', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    const sale = till.sell(seoul('2026-03-02T10:00:00'), { lines: [drink(11, 4_000)] });
    const card = codeOf(till, '2026-03-02T11:00:00', 'stamp_card');
    till.refund(seoul('2026-03-03T10:00:00'), {
      purchase_id: sale.purchase_id,
      lines: [{ sku: 'americano', quantity: 2 }],
    });
    const state = till.state(seoul('2026-03-03T11:00:00'));
    expect(state.stamps_total).toBe(9);
    expect(state.coupons.get(card)?.status).toBe('voided');
    expect(state.stamp_cards).toHaveLength(0);
  });

  it('keeps a used card coupon; the missing stamps are owed by the next drinks', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    const sale = till.sell(seoul('2026-03-02T10:00:00'), { lines: [drink(10, 4_000)] });
    const card = codeOf(till, '2026-03-02T11:00:00', 'stamp_card');
    till.sell(seoul('2026-03-02T12:00:00'), { lines: [drink(1, 4_000)], coupon_code: card });
    till.refund(seoul('2026-03-03T10:00:00'), {
      purchase_id: sale.purchase_id,
      lines: [{ sku: 'americano', quantity: 3 }],
    });
    const after = till.state(seoul('2026-03-03T11:00:00'));
    expect(after.coupons.get(card)?.status).toBe('used');
    // 10 + 1 - 3 = 8 stamps against one completed card: the next card needs 12 more drinks.
    expect(after.stamps_total).toBe(8);
    const q = till.quote(seoul('2026-03-04T10:00:00'), {
      amount: 44_000,
      lines: [drink(11, 4_000)],
    });
    expect(q.coupons_issued).toHaveLength(0);
  });

  it('takes at most 10,000 units a purchase, so a mistyped quantity cannot stall a replica', () => {
    const till = new Till();
    till.enroll(seoul('2026-03-01T10:00:00'));
    // The most a purchase may hold: 1,000 full cards, each its own coupon.
    const most = till.quote(seoul('2026-03-02T10:00:00'), {
      amount: MAX_UNITS * 100,
      lines: [drink(MAX_UNITS - 1, 100), drink(1, 100, 'latte')],
    });
    expect(most.stamps_added).toBe(10_000);
    const cards = most.coupons_issued.filter((c) => c.code.startsWith('ST-'));
    expect(cards).toHaveLength(1_000);
    expect(new Set(cards.map((c) => c.code)).size).toBe(1_000);
    // One unit more, over two lines (each within the bound), is refused: a quantity of
    // 1,000,000 for 1 would otherwise build 100,000 coupons on every replica.
    let refused: unknown;
    try {
      till.quote(seoul('2026-03-02T10:00:00'), {
        amount: (MAX_UNITS + 1) * 100,
        lines: [drink(MAX_UNITS, 100), drink(1, 100, 'latte')],
      });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RuleError);
    expect((refused as RuleError).code).toBe('too_many_units');
    // The events' schema agrees, for events from any device or channel.
    const payload = {
      purchase_id: 'p-1',
      receipt_id: null,
      amount: 0,
      lines: [drink(MAX_UNITS, 0), drink(1, 0, 'latte')],
      coupon_code: null,
      coupon_discount: 0,
      membership_discount: 0,
      points_redeemed: 0,
      amount_paid: 0,
      points_earned: 0,
      stamps_added: 0,
      offline: false,
    };
    expect(v.safeParse(PurchaseRecordedSchema, payload).issues?.[0]?.message).toBe(
      'a purchase may hold at most 10000 units',
    );
    const oneLine = { ...payload, lines: [drink(MAX_UNITS + 1, 0)] };
    expect(v.safeParse(PurchaseRecordedSchema, oneLine).issues?.[0]?.message).toBe(
      'must be at most 10000',
    );
    expect(
      v.safeParse(PurchaseRecordedSchema, { ...payload, lines: [drink(MAX_UNITS, 0)] }).success,
    ).toBe(true);
  });
});
