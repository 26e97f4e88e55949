import { describe, expect, it } from 'vitest';
import { summarize, DEFAULT_PROGRAM } from '../rules';
import { drink, goods, seoul, Till } from '../../test/support/ledger';
import { couponTitle } from './coupons';

describe('coupon titles in the reader’s language', () => {
  it('words each coupon the program issues by what issued it, in Korean and in English', () => {
    const till = new Till();
    till.enroll(seoul('2026-02-10T10:00:00'), { birthday: '1990-03-15' });
    const titles = (at: string) => {
      const view = summarize(till.state(seoul(at)), DEFAULT_PROGRAM);
      return Object.fromEntries(
        view.coupons.map((c) => [c.source, [couponTitle(c, 'ko'), couponTitle(c, 'en')]]),
      );
    };
    expect(titles('2026-02-10T11:00:00')).toEqual({
      welcome: ['가입 축하 10% 할인', 'Welcome 10% off'],
    });
    till.sell(seoul('2026-02-11T10:00:00'), {
      lines: [drink(10, 5_000), goods(1, 470_000, 'beans', 'beans')],
    });
    const after = titles('2026-03-01T10:00:00');
    expect(after).toMatchObject({
      stamp_card: ['스탬프 쿠폰: 무료 음료', 'Free drink'],
      monthly_spend: ['이달의 구매 감사 5% 할인', 'Monthly spend 5% off'],
      birthday: ['생일 축하 10% 할인', 'Birthday 10% off'],
    });
    for (const [ko, en] of Object.values(after)) {
      expect(ko).toMatch(/[가-힣]/);
      expect(en).not.toMatch(/[가-힣]|undefined/);
    }
  });

  it('keeps the name of a coupon issued by hand', () => {
    const issued = {
      source: 'issued' as const,
      kind: 'fixed' as const,
      value: 3_000,
      name: '개업 1주년 쿠폰',
      category: null,
    };
    expect(couponTitle(issued, 'ko')).toBe('개업 1주년 쿠폰');
    expect(couponTitle(issued, 'en')).toBe('개업 1주년 쿠폰');
    expect(couponTitle({ ...issued, source: 'repurchase' }, 'ko')).toBe('재방문 3,000원 할인');
    expect(couponTitle({ ...issued, source: 'repurchase' }, 'en')).toBe('Come back ₩3,000 off');
  });
});
