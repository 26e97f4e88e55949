/**
 * What the rules' refusals say to a cashier, in Korean (default) and English. The rules' own
 * messages are English and meant for logs and API clients; a till shows these instead. Every
 * refusal code has its words (the type checks it), filled in from the refusal's details.
 */
import type { RuleErrorCode } from '../rules';
import { formatNumber, type Bilingual, type Locale } from './format';

export interface Refusal {
  readonly code: RuleErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A detail as a number (1,000), or the text itself. */
function show(value: unknown): string {
  return typeof value === 'number' ? formatNumber(value) : String(value ?? '');
}

const WORDS: Record<RuleErrorCode, (d: Readonly<Record<string, unknown>>) => Bilingual> = {
  amount_invalid: () => ({
    ko: '금액은 0 이상의 정수여야 합니다',
    en: 'The amount must be a whole number, 0 or more',
  }),
  lines_mismatch: () => ({
    ko: '품목 합계가 금액과 맞지 않습니다',
    en: 'The lines do not add up to the amount',
  }),
  too_many_units: (d) => ({
    ko: `한 번의 결제에는 최대 ${show(d.max_units)}개까지 담을 수 있습니다: 나누어 결제하세요`,
    en: `A sale holds at most ${show(d.max_units)} units: ring it up as several sales`,
  }),
  redeem_below_minimum: (d) => ({
    ko: `포인트는 ${show(d.min_points)}P부터 사용할 수 있습니다`,
    en: `Points are used from ${show(d.min_points)} at a time`,
  }),
  redeem_not_whole: () => ({
    ko: '사용 포인트는 정수로 입력하세요',
    en: 'Enter the points to use as a whole number',
  }),
  redeem_exceeds_balance: (d) => ({
    ko: `사용 가능한 포인트는 ${show(d.available)}P입니다`,
    en: `Only ${show(d.available)} points are available`,
  }),
  redeem_exceeds_due: (d) => ({
    ko: `이 결제에는 최대 ${show(d.max_points)}P까지 사용할 수 있습니다`,
    en: `At most ${show(d.max_points)} points can pay for this sale`,
  }),
  redeem_offline_per_purchase: (d) => ({
    ko: `오프라인 중에는 결제 한 번에 최대 ${show(d.max)}P까지 사용할 수 있습니다`,
    en: `While offline, at most ${show(d.max)} points per sale`,
  }),
  redeem_offline_per_member: (d) => ({
    ko: `오프라인 중에는 회원 한 명이 최대 ${show(d.max)}P까지 사용할 수 있습니다`,
    en: `While offline, at most ${show(d.max)} points per member until the till is back online`,
  }),
  redeem_offline_too_long: (d) => ({
    ko: `${show(d.max_offline_hours)}시간 넘게 오프라인입니다: 다시 연결될 때까지 포인트를 사용할 수 없습니다`,
    en: `Offline for more than ${show(d.max_offline_hours)} hours: points can be used again once the till is back online`,
  }),
  coupon_not_found: (d) => ({
    ko: `이 회원에게 없는 쿠폰입니다 (${show(d.code)})`,
    en: `This member has no coupon ${show(d.code)}`,
  }),
  coupon_not_yet_valid: (d) => ({
    ko: `아직 사용할 수 없는 쿠폰입니다 (${show(d.code)})`,
    en: `Coupon ${show(d.code)} is not valid yet`,
  }),
  coupon_expired: (d) => ({
    ko: `유효기간이 지난 쿠폰입니다 (${show(d.code)})`,
    en: `Coupon ${show(d.code)} has expired`,
  }),
  coupon_used: (d) => ({
    ko: `이미 사용한 쿠폰입니다 (${show(d.code)})`,
    en: `Coupon ${show(d.code)} was already used`,
  }),
  coupon_voided: (d) => ({
    ko: `취소된 쿠폰입니다 (${show(d.code)})`,
    en: `Coupon ${show(d.code)} was voided`,
  }),
  coupon_not_applicable: (d) => {
    if (d.reason === 'first_purchase')
      return {
        ko: '첫 구매에만 쓸 수 있는 쿠폰입니다',
        en: 'This coupon is for the first purchase only',
      };
    if (d.reason === 'service')
      return {
        ko: '서비스 이용권이라 결제 할인에 쓸 수 없습니다',
        en: 'This voucher is for a service, not a discount on a sale',
      };
    if (d.category)
      return {
        ko: `이 쿠폰은 ${show(d.category)} 품목이 있어야 쓸 수 있습니다`,
        en: `This coupon needs an item of category ${show(d.category)} in the sale`,
      };
    return {
      ko: '이 쿠폰은 품목이 있는 결제에만 쓸 수 있습니다',
      en: 'This coupon needs the items of the sale',
    };
  },
  member_not_enrolled: () => ({ ko: '가입되지 않은 회원입니다', en: 'Not an enrolled member' }),
  purchase_not_found: () => ({
    ko: '이 회원의 구매가 아닙니다',
    en: 'No such purchase for this member',
  }),
  refund_exceeds_purchase: (d) =>
    d.sku === undefined
      ? {
          ko: `이 구매는 최대 ${show(d.refundable)}원까지 환불할 수 있습니다`,
          en: `At most ${show(d.refundable)} of this purchase can still be refunded`,
        }
      : {
          ko: `${show(d.sku)}은(는) ${show(d.refundable)}개까지 환불할 수 있습니다`,
          en: `Only ${show(d.refundable)} of ${show(d.sku)} can still be refunded`,
        },
  refund_line_unknown: (d) => ({
    ko: `이 구매에 없는 품목입니다 (${show(d.sku)})`,
    en: `This purchase has no ${show(d.sku)}`,
  }),
  refund_empty: () => ({ ko: '환불할 것이 없습니다', en: 'Nothing to refund' }),
  referral_self: () => ({
    ko: '자신의 추천 코드는 쓸 수 없습니다',
    en: 'A member cannot use their own referral code',
  }),
  referral_already_used: () => ({
    ko: '이미 추천 코드를 사용한 회원입니다',
    en: 'This member has used a referral code already',
  }),
  adjustment_zero: () => ({
    ko: '0P는 조정할 수 없습니다',
    en: 'An adjustment cannot be 0 points',
  }),
};

/** What a refusal of the rules says, in `locale`. */
export function refusalText(refusal: Refusal, locale: Locale = 'ko'): string {
  return WORDS[refusal.code](refusal.details)[locale];
}
