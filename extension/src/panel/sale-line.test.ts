import { describe, expect, it } from 'vitest';
import type { Quote, RefundQuote } from '../../../shared/rules';
import { refundLine, saleLine } from './sale-line';

const plain: Quote = {
  amount: 20_000,
  membership_discount: 0,
  coupon_code: null,
  coupon_discount: 0,
  points_redeemed: 0,
  amount_paid: 20_000,
  points_earned: 400,
  earn_rate_bp: 200,
  multiplier_bp: 10_000,
  first_purchase: false,
  referral_bonus: 0,
  stamps_added: 0,
  coupons_issued: [],
  max_redeemable: 0,
  balance_before: 1_000,
  balance_after: 1_400,
};

describe('saleLine', () => {
  it('says only what a plain sale does', () => {
    expect(saleLine(plain, 'ko', false)).toBe('결제할 금액: 20,000원 · 적립 예정: 400P');
    expect(saleLine(plain, 'en', true)).toBe('Paid: ₩20,000 · Points earned: 400 pts');
  });

  it('names what came off, the stamps, and each coupon the sale gave, in the reader’s words', () => {
    const sale: Quote = {
      ...plain,
      amount: 47_000,
      coupon_code: 'WL-0000000000',
      coupon_discount: 4_700,
      membership_discount: 2_000,
      points_redeemed: 1_000,
      amount_paid: 39_300,
      points_earned: 786,
      referral_bonus: 500,
      stamps_added: 3,
      coupons_issued: [
        {
          code: 'ST-0000000001',
          kind: 'free_item',
          value: 6_000,
          name: 'Free drink',
          source: 'stamp_card',
          category: 'drink',
          valid_until: 0,
        },
        {
          code: 'MS-0000000002',
          kind: 'percent',
          value: 500,
          name: 'Monthly spend 5% off',
          source: 'monthly_spend',
          category: null,
          valid_until: 0,
        },
      ],
    };
    expect(saleLine(sale, 'ko', true)).toBe(
      '결제: 39,300원 · 쿠폰 할인 -4,700원 · 등급 할인 -2,000원 · 포인트 사용 1,000P · 적립: 786P · ' +
        '추천 보너스 +500P · 스탬프 +3 · 새 쿠폰: 스탬프 쿠폰: 무료 음료, 이달의 구매 감사 5% 할인',
    );
    expect(saleLine(sale, 'en', false)).toBe(
      'To pay: ₩39,300 · Coupon -₩4,700 · Member discount -₩2,000 · Points used 1,000 pts · ' +
        'Points to earn: 786 pts · Referral bonus +500 pts · Stamps +3 · ' +
        'New coupons: Free drink, Monthly spend 5% off',
    );
  });
});

describe('refundLine', () => {
  const refund: RefundQuote = {
    purchase_id: 'p-1',
    amount: 47_000,
    lines: [],
    amount_refunded: 41_300,
    points_reversed: 0,
    points_restored: 0,
    coupon_restored: false,
    stamps_removed: 0,
    referral_reversed: 0,
    full: true,
    balance_after: 0,
  };

  it('says the money given back, and only what else changed', () => {
    expect(refundLine(refund, 'ko')).toBe('환불 금액: 41,300원');
    expect(
      refundLine(
        {
          ...refund,
          points_reversed: 1_652,
          points_restored: 1_000,
          referral_reversed: 500,
          coupon_restored: true,
          stamps_removed: 2,
        },
        'en',
      ),
    ).toBe(
      'Money back: ₩41,300 · Points taken back -1,652 pts · Points given back +1,000 pts · ' +
        'Referral bonus taken back -500 pts · Coupon given back · Stamps -2',
    );
  });
});
