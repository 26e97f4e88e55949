/**
 * Why the rules refuse something. The codes are stable (they travel in API errors and sync
 * rejections); the words a cashier or member reads live in shared/ui's messages, in ko and en.
 */
export type RuleErrorCode =
  | 'amount_invalid'
  | 'lines_mismatch'
  | 'too_many_units'
  | 'redeem_below_minimum'
  | 'redeem_not_whole'
  | 'redeem_exceeds_balance'
  | 'redeem_exceeds_due'
  | 'redeem_offline_per_purchase'
  | 'redeem_offline_per_member'
  | 'redeem_offline_too_long'
  | 'coupon_not_found'
  | 'coupon_not_yet_valid'
  | 'coupon_expired'
  | 'coupon_used'
  | 'coupon_voided'
  | 'coupon_not_applicable'
  | 'member_not_enrolled'
  | 'purchase_not_found'
  | 'refund_exceeds_purchase'
  | 'refund_line_unknown'
  | 'refund_empty'
  | 'referral_self'
  | 'referral_already_used'
  | 'adjustment_zero';

export class RuleError extends Error {
  readonly code: RuleErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: RuleErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RuleError';
    this.code = code;
    this.details = details;
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: RuleError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function refuse<T>(
  code: RuleErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): Result<T> {
  return { ok: false, error: new RuleError(code, message, details) };
}
