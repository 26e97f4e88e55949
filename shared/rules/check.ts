/**
 * Re-checking what a till recorded: the central endpoint runs the same quote on the member's
 * state just before the event and reports every number it disagrees with. It flags; it never
 * rewrites the event (ARCHITECTURE.md, "Data model").
 */
import { quoteCheckout } from './checkout';
import type { EventOf } from './events';
import type { Program } from './program';
import { refundFigures, refundInputOf } from './refund';
import type { MemberState } from './state';

export interface Disagreement {
  readonly field: string;
  readonly recorded: unknown;
  readonly expected: unknown;
}

function compare(out: Disagreement[], field: string, recorded: unknown, expected: unknown): void {
  if (recorded !== expected) out.push({ field, recorded, expected });
}

export function checkPurchase(
  before: MemberState,
  program: Program,
  event: EventOf<'purchase_recorded'>,
  at: number,
): Disagreement[] {
  const p = event.payload;
  const quote = quoteCheckout(
    before,
    program,
    {
      amount: p.amount,
      lines: p.lines,
      redeem_points: p.points_redeemed,
      coupon_code: p.coupon_code,
      store_id: event.store_id,
    },
    at,
  );
  if (!quote.ok) return [{ field: quote.error.code, recorded: p, expected: quote.error.message }];
  const q = quote.value;
  const out: Disagreement[] = [];
  compare(out, 'coupon_discount', p.coupon_discount, q.coupon_discount);
  compare(out, 'membership_discount', p.membership_discount, q.membership_discount);
  compare(out, 'amount_paid', p.amount_paid, q.amount_paid);
  compare(out, 'points_earned', p.points_earned, q.points_earned);
  compare(out, 'stamps_added', p.stamps_added, q.stamps_added);
  return out;
}

export function checkRefund(
  before: MemberState,
  program: Program,
  event: EventOf<'purchase_refunded'>,
  at: number,
): Disagreement[] {
  const p = event.payload;
  const figures = refundFigures(before, program, refundInputOf(p), at);
  if (!figures.ok)
    return [{ field: figures.error.code, recorded: p, expected: figures.error.message }];
  const f = figures.value;
  const out: Disagreement[] = [];
  compare(out, 'amount_refunded', p.amount_refunded, f.amount_refunded);
  compare(out, 'points_reversed', p.points_reversed, f.points_reversed);
  compare(out, 'points_restored', p.points_restored, f.points_restored);
  compare(out, 'coupon_restored', p.coupon_restored, f.coupon_restored);
  compare(out, 'stamps_removed', p.stamps_removed, f.stamps_removed);
  return out;
}
