/**
 * A coupon's title in the reader's language. The rules name the coupons they issue in English
 * ("Welcome 10% off"); a coupon of the program is worded here by what issued it and its value.
 * A coupon issued by hand (`issued`) keeps the name it was given.
 */
import type { CouponSource } from '../rules';
import { formatWon, type Locale } from './format';

export interface TitledCoupon {
  readonly source: CouponSource;
  readonly kind: 'percent' | 'fixed' | 'free_item' | 'service';
  /** percent: basis points; fixed: minor units. */
  readonly value: number;
  readonly name: string;
  readonly category: string | null;
}

/** Categories the default program names, in Korean; another category reads as it is. */
const CATEGORY_KO: Readonly<Record<string, string>> = {
  drink: '음료',
  food: '푸드',
  beans: '원두',
  goods: '상품',
};

/** "10% off" or "1,000원 off": what a percent or fixed coupon takes off. */
function off(c: TitledCoupon, locale: Locale): string {
  if (c.kind === 'percent')
    return locale === 'ko' ? `${c.value / 100}% 할인` : `${c.value / 100}% off`;
  if (c.kind === 'fixed')
    return locale === 'ko'
      ? `${formatWon(c.value, locale)} 할인`
      : `${formatWon(c.value, locale)} off`;
  return locale === 'ko' ? '할인' : 'discount';
}

export function couponTitle(c: TitledCoupon, locale: Locale = 'ko'): string {
  const ko = locale === 'ko';
  switch (c.source) {
    case 'welcome':
      return ko ? `가입 축하 ${off(c, locale)}` : `Welcome ${off(c, locale)}`;
    case 'birthday':
      return ko ? `생일 축하 ${off(c, locale)}` : `Birthday ${off(c, locale)}`;
    case 'monthly_spend':
      return ko ? `이달의 구매 감사 ${off(c, locale)}` : `Monthly spend ${off(c, locale)}`;
    case 'repurchase':
      return ko ? `재방문 ${off(c, locale)}` : `Come back ${off(c, locale)}`;
    case 'tier':
      return ko ? `등급 혜택 ${off(c, locale)}` : `Tier ${off(c, locale)}`;
    case 'consultation':
      return ko ? '무료 상담' : 'Free consultation';
    case 'stamp_card': {
      const category = c.category ?? '';
      return ko ? `스탬프 쿠폰: 무료 ${CATEGORY_KO[category] ?? category}` : `Free ${category}`;
    }
    // Issued by hand, or a source this build does not know yet (a newer rules module): the
    // name it was given.
    default:
      return c.name;
  }
}
