/** What a sale does, in one line: what is paid, what came off, what is earned and issued. */
import type { Quote, RefundQuote } from '../../../shared/rules';
import { couponTitle, formatPoints, formatWon, t, type Locale } from '../../../shared/ui';

/**
 * The line under the checkout form before a sale (`done` false: points "to earn"), and the
 * notice after it, which the cashier reads out to the customer: the points earned, the stamps,
 * and any coupon the sale gave (a full stamp card, the month's spend).
 */
export function saleLine(q: Quote, locale: Locale, done: boolean): string {
  const parts = [`${t(done ? 'paid' : 'pay', locale)}: ${formatWon(q.amount_paid, locale)}`];
  if (q.coupon_discount > 0)
    parts.push(`${t('coupon_discount', locale)} -${formatWon(q.coupon_discount, locale)}`);
  if (q.membership_discount > 0)
    parts.push(`${t('member_discount', locale)} -${formatWon(q.membership_discount, locale)}`);
  if (q.points_redeemed > 0)
    parts.push(`${t('points_used', locale)} ${formatPoints(q.points_redeemed, locale)}`);
  parts.push(`${t(done ? 'earned' : 'earn', locale)}: ${formatPoints(q.points_earned, locale)}`);
  if (q.referral_bonus > 0)
    parts.push(`${t('referral_bonus', locale)} +${formatPoints(q.referral_bonus, locale)}`);
  if (q.stamps_added > 0) parts.push(`${t('stamps', locale)} +${q.stamps_added}`);
  if (q.coupons_issued.length > 0)
    parts.push(
      `${t('new_coupons', locale)}: ${q.coupons_issued.map((c) => couponTitle(c, locale)).join(', ')}`,
    );
  return parts.join(' · ');
}

/** The notice after a refund: the money given back, and what it did to points, coupon and stamps. */
export function refundLine(f: RefundQuote, locale: Locale): string {
  const parts = [`${t('refund_amount', locale)}: ${formatWon(f.amount_refunded, locale)}`];
  if (f.points_reversed > 0)
    parts.push(`${t('points_reversed', locale)} -${formatPoints(f.points_reversed, locale)}`);
  if (f.points_restored > 0)
    parts.push(`${t('points_restored', locale)} +${formatPoints(f.points_restored, locale)}`);
  if (f.referral_reversed > 0)
    parts.push(`${t('referral_reversed', locale)} -${formatPoints(f.referral_reversed, locale)}`);
  if (f.coupon_restored) parts.push(t('coupon_restored', locale));
  if (f.stamps_removed > 0) parts.push(`${t('stamps', locale)} -${f.stamps_removed}`);
  return parts.join(' · ');
}
