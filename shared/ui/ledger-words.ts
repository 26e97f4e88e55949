/**
 * The ledger's event types and the endpoint's reasons for rejecting an event, in Korean (default)
 * and English: what a manager reads in the till's list of refused events. The endpoint's own
 * message (English, with the ids) follows these words there.
 */
import type { RejectReason } from '../protocol';
import type { EventType } from '../rules';
import type { Bilingual, Locale } from './format';

const EVENT_TYPES: Record<EventType, Bilingual> = {
  member_enrolled: { ko: '회원 가입', en: 'Enrollment' },
  member_updated: { ko: '회원 정보 변경', en: 'Member update' },
  purchase_recorded: { ko: '구매', en: 'Sale' },
  purchase_refunded: { ko: '환불', en: 'Refund' },
  coupon_issued: { ko: '쿠폰 발행', en: 'Coupon issued' },
  coupon_used: { ko: '쿠폰 사용', en: 'Coupon used' },
  coupon_voided: { ko: '쿠폰 취소', en: 'Coupon voided' },
  points_adjusted: { ko: '포인트 조정', en: 'Points adjustment' },
  referral_rewarded: { ko: '추천 보상', en: 'Referral reward' },
  referral_reversed: { ko: '추천 보상 회수', en: 'Referral reversed' },
  partner_points_credited: { ko: '제휴 포인트', en: 'Partner points' },
  membership_started: { ko: '유료 멤버십 시작', en: 'Membership started' },
  membership_cancelled: { ko: '유료 멤버십 해지', en: 'Membership cancelled' },
  feedback_given: { ko: '고객 의견', en: 'Feedback' },
};

const REASONS: Record<RejectReason, Bilingual> = {
  invalid_event: { ko: '기록 형식이 올바르지 않음', en: 'Not a valid record' },
  bad_hash: { ko: '기록이 서명 뒤에 바뀜', en: 'Changed after it was signed' },
  seq_gap: { ko: '앞선 기록이 빠짐 (다시 보냄)', en: 'An earlier record is missing (sent again)' },
  chain_broken: { ko: '기록 순서가 맞지 않음', en: 'Out of this till’s chain' },
  wrong_device: { ko: '다른 기기의 기록', en: 'Recorded by another device' },
  wrong_store: { ko: '다른 매장의 기록', en: 'Recorded for another store' },
  forbidden_for_role: {
    ko: '이 기기나 직원에게 허용되지 않음',
    en: 'Not allowed to this device or staff',
  },
  occurred_in_future: {
    ko: '기기 시계가 빠름',
    en: 'Dated in the future (the till’s clock is fast)',
  },
  unknown_member: { ko: '없는 회원', en: 'Unknown member' },
  unknown_purchase: { ko: '없는 구매', en: 'Unknown sale' },
  duplicate_purchase: { ko: '이미 기록된 구매', en: 'Sale recorded already' },
  member_exists: { ko: '이미 가입한 회원', en: 'Member exists already' },
  card_in_use: { ko: '다른 회원의 카드 번호', en: 'Card number of another member' },
  conflicting_duplicate: { ko: '같은 ID의 다른 기록', en: 'Another record with the same id' },
  awaiting_other_device: {
    ko: '복구된 서버: 다른 기기가 회원이나 구매를 다시 보내기를 기다림',
    en: 'Restored endpoint: waiting for another device to send the member or sale again',
  },
};

/** An event type in words (an unknown one as it is). */
export function eventTypeText(type: string, locale: Locale = 'ko'): string {
  return (EVENT_TYPES as Record<string, Bilingual>)[type]?.[locale] ?? type;
}

/** Why the endpoint rejected an event, in words (an unknown reason as it is). */
export function rejectReasonText(reason: string, locale: Locale = 'ko'): string {
  return (REASONS as Record<string, Bilingual>)[reason]?.[locale] ?? reason;
}
