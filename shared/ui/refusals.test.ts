import { describe, expect, it } from 'vitest';
import { RuleError, usableCoupons } from '../rules';
import { drink, seoul, Till } from '../../test/support/ledger';
import { refusalText } from './refusals';

/** The refusal a till action meets, in both languages. */
function words(act: () => unknown): { ko: string; en: string; code: string } {
  try {
    act();
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    return {
      code: error.code,
      ko: refusalText(error, 'ko'),
      en: refusalText(error, 'en'),
    };
  }
  throw new Error('the rules did not refuse');
}

describe("the rules' refusals, in the cashier's language", () => {
  const till = new Till();
  till.enroll(seoul('2026-03-01T10:00:00'));
  const welcome = usableCoupons(till.state(seoul('2026-03-01T10:00:00')))[0]?.code ?? '';
  const at = seoul('2026-03-02T10:00:00');
  const sale = till.sell(at, { lines: [drink(2, 4_000)] });

  it('names the numbers each refusal is about, formatted, in Korean and in English', () => {
    const cases = [
      [() => till.quote(at, { amount: 5_000, redeem_points: 10 }), '1,000P부터', '1,000 at a time'],
      [
        () => till.quote(at, { amount: 50_000, redeem_points: 1_500 }),
        '사용 가능한 포인트는 1,320P',
        'Only 1,320 points',
      ],
      [
        () => till.quote(at, { amount: 1_100, redeem_points: 1_150 }),
        '최대 1,100P까지',
        'At most 1,100 points',
      ],
      [
        () =>
          till.quote(at, {
            amount: 50_000,
            redeem_points: 1_000,
            offline: { since: Date.parse(at) - 73 * 3_600_000, redeemed_by_member: 0 },
          }),
        '72시간 넘게',
        'more than 72 hours',
      ],
      [
        () =>
          till.quote(at, {
            amount: 50_000,
            redeem_points: 1_000,
            offline: { since: Date.parse(at), redeemed_by_member: 49_500 },
          }),
        '최대 50,000P',
        'at most 50,000 points per member',
      ],
      [
        () =>
          till.quote(at, {
            amount: 11_000 * 100,
            lines: [drink(11_000 - 1, 100), drink(1, 100, 'latte')],
          }),
        '최대 10,000개',
        'at most 10,000 units',
      ],
      [() => till.quote(at, { amount: 5_000, coupon_code: 'NOPE' }), '(NOPE)', 'no coupon NOPE'],
      [
        () => till.quote(at, { amount: 5_000, coupon_code: welcome }),
        '첫 구매에만',
        'first purchase only',
      ],
      [
        () =>
          till.refund(at, {
            purchase_id: sale.purchase_id,
            lines: [{ sku: 'americano', quantity: 3 }],
          }),
        'americano은(는) 2개까지',
        'Only 2 of americano',
      ],
      [
        () => till.refund(at, { purchase_id: sale.purchase_id, amount: 9_000 }),
        '최대 8,000원까지',
        'At most 8,000 of this purchase',
      ],
      [
        () =>
          till.refund(at, { purchase_id: sale.purchase_id, lines: [{ sku: 'mug', quantity: 1 }] }),
        '(mug)',
        'no mug',
      ],
    ] as const;
    for (const [act, ko, en] of cases) {
      const said = words(act);
      expect(said.ko, said.code).toContain(ko);
      expect(said.en, said.code).toContain(en);
      for (const text of [said.ko, said.en])
        expect(text, said.code).not.toMatch(/undefined|NaN|null/);
    }
  });
});
