/**
 * Refunds, full or partial, by amount or by lines (PROGRAM.md section 8).
 *
 * A refund returns goods worth `amount` of the purchase's amount. Every proportion is computed
 * on the cumulative refunded value, so partial refunds that add up to the whole reverse exactly
 * what the purchase earned, redeemed and stamped:
 *   remaining_paid = floor(amount_paid * remaining_value / amount)
 *   kept_earned    = floor(points_earned * remaining_paid / amount_paid)
 *   kept_redeemed  = floor(points_redeemed * remaining_value / amount)
 */
import { couponStatus } from './coupons';
import { ok, refuse, type Result } from './errors';
import type { Payload, RefundLine } from './events';
import { balanceOf } from './lots';
import { mulDivFloor } from './money';
import type { Program } from './program';
import type { Lot, MemberState, PurchaseRecord } from './state';

export interface RefundInput {
  readonly purchase_id: string;
  readonly amount?: number;
  readonly lines?: readonly RefundLine[];
}

/** The refund a purchase_refunded event asks for (by lines when it names lines). */
export function refundInputOf(p: Payload<'purchase_refunded'>): RefundInput {
  return p.lines.length > 0
    ? { purchase_id: p.purchase_id, lines: p.lines, amount: p.amount }
    : { purchase_id: p.purchase_id, amount: p.amount };
}

export interface RefundQuote {
  readonly purchase_id: string;
  /** Value of the goods returned. */
  readonly amount: number;
  readonly lines: readonly RefundLine[];
  /** Money given back to the customer. */
  readonly amount_refunded: number;
  readonly points_reversed: number;
  readonly points_restored: number;
  readonly coupon_restored: boolean;
  readonly stamps_removed: number;
  /** Referral points taken back from this member (the first purchase refunded in full). */
  readonly referral_reversed: number;
  readonly full: boolean;
  readonly balance_after: number;
}

function share(total: number, remaining: number, whole: number): number {
  return whole === 0 ? 0 : mulDivFloor(total, remaining, whole);
}

/** Quantity of a sku still refundable on a purchase. */
export function refundableQuantity(purchase: PurchaseRecord, sku: string): number {
  let bought = 0;
  for (const line of purchase.lines) if (line.sku === sku) bought += line.quantity;
  return bought - purchase.refundedUnits(sku);
}

function linesValue(
  purchase: PurchaseRecord,
  lines: readonly RefundLine[],
  stampCategory: string,
): Result<{ value: number; stamps: number }> {
  let value = 0;
  let stamps = 0;
  const asked = new Map<string, number>();
  for (const l of lines) asked.set(l.sku, (asked.get(l.sku) ?? 0) + l.quantity);
  for (const [sku, quantity] of asked) {
    if (!purchase.lines.some((l) => l.sku === sku)) {
      return refuse('refund_line_unknown', `purchase ${purchase.purchase_id} has no line ${sku}`, {
        sku,
      });
    }
    if (quantity > refundableQuantity(purchase, sku)) {
      return refuse(
        'refund_exceeds_purchase',
        `only ${refundableQuantity(purchase, sku)} of ${sku} can still be refunded`,
        { sku, refundable: refundableQuantity(purchase, sku) },
      );
    }
    // Units already refunded came off the sku's lines in order; these come off the next ones.
    let skip = purchase.refundedUnits(sku);
    let left = quantity;
    for (const line of purchase.lines) {
      if (line.sku !== sku || left === 0) continue;
      const free = Math.max(0, line.quantity - skip);
      skip = Math.max(0, skip - line.quantity);
      const take = Math.min(free, left);
      left -= take;
      value += take * line.unit_price;
      if (line.category === stampCategory) stamps += take;
    }
  }
  return ok({ value, stamps });
}

/** Balance change of reversing `amount` points of a lot (expired points cost nothing more). */
function reversalCost(lot: Lot | null, amount: number, at: number): number {
  if (lot && lot.expires_at <= at) return amount - Math.min(lot.remaining, amount);
  return amount;
}

/** Live points a restoration puts back (latest-expiring lots first, as restore() does). */
function restorationLive(
  state: MemberState,
  purchase: PurchaseRecord,
  amount: number,
  at: number,
): number {
  let left = amount;
  let live = 0;
  const parts = [...purchase.allocation].sort((a, b) => {
    return b.lot.expires_at - a.lot.expires_at || b.lot.id - a.lot.id;
  });
  for (const part of parts) {
    const x = Math.min(part.points - part.restored, left);
    if (x <= 0) continue;
    left -= x;
    if (part.lot.expires_at > at) live += x;
  }
  return live;
}

export type RefundFigures = Omit<RefundQuote, 'balance_after'>;

/** The payload of the purchase_refunded event that records a refund's figures. */
export function refundPayload(
  refundId: string,
  figures: RefundFigures,
): Payload<'purchase_refunded'> {
  return {
    refund_id: refundId,
    purchase_id: figures.purchase_id,
    amount: figures.amount,
    lines: [...figures.lines],
    amount_refunded: figures.amount_refunded,
    points_reversed: figures.points_reversed,
    points_restored: figures.points_restored,
    coupon_restored: figures.coupon_restored,
    stamps_removed: figures.stamps_removed,
  };
}

/** The numbers of a refund (what replay applies); quoteRefund adds the balance after it. */
export function refundFigures(
  state: MemberState,
  program: Program,
  input: RefundInput,
  at: number,
): Result<RefundFigures> {
  const purchase = state.purchases.get(input.purchase_id);
  if (!purchase)
    return refuse('purchase_not_found', `no purchase ${input.purchase_id} for this member`, {
      purchase_id: input.purchase_id,
    });
  const lines = input.lines ?? [];
  let value: number;
  let lineStamps: number | null = null;
  if (lines.length > 0) {
    const found = linesValue(purchase, lines, program.stamps.category);
    if (!found.ok) return found;
    value = found.value.value;
    lineStamps = found.value.stamps;
    if (input.amount !== undefined && input.amount !== value) {
      return refuse('lines_mismatch', `the lines are worth ${value}, not ${input.amount}`, {
        value,
      });
    }
  } else {
    value = input.amount ?? purchase.amount - purchase.refunded_gross;
    if (!Number.isSafeInteger(value) || value < 0)
      return refuse('amount_invalid', 'refund amount must be a whole number >= 0');
  }
  const whole = purchase.amount;
  const before = purchase.refunded_gross;
  const after = before + value;
  if (after > whole) {
    return refuse(
      'refund_exceeds_purchase',
      `at most ${whole - before} of this purchase can still be refunded`,
      { refundable: whole - before },
    );
  }
  // Returning free units (price 0) by lines is a refund of nothing but their stamps.
  if (value === 0 && lines.length === 0 && !(whole === 0 && before === 0))
    return refuse('refund_empty', 'nothing to refund');

  const paid = purchase.amount_paid;
  const paidBefore = share(paid, whole - before, whole);
  const paidAfter = share(paid, whole - after, whole);
  const keptBefore = share(purchase.points_earned, paidBefore, paid);
  const keptAfter = share(purchase.points_earned, paidAfter, paid);
  const redeemed = purchase.points_redeemed;
  const restored = share(redeemed, whole - before, whole) - share(redeemed, whole - after, whole);
  const full = after === whole;

  let stamps: number;
  if (lineStamps !== null) stamps = lineStamps;
  else
    stamps =
      purchase.stamps - share(purchase.stamps, whole - after, whole) - purchase.stamps_removed;
  stamps = Math.max(0, Math.min(stamps, purchase.stamps - purchase.stamps_removed));

  const coupon = purchase.coupon_code ? state.coupons.get(purchase.coupon_code) : undefined;
  const couponRestored =
    full &&
    coupon !== undefined &&
    coupon.status === 'used' &&
    coupon.used_on === purchase.purchase_id &&
    at < coupon.valid_until &&
    couponStatus({ ...coupon, status: 'active' }, at) === 'active';
  const referral = full && purchase.referral_lot !== null ? purchase.referral_points : 0;

  return ok({
    purchase_id: purchase.purchase_id,
    amount: value,
    lines: [...lines],
    amount_refunded: paidBefore - paidAfter,
    points_reversed: keptBefore - keptAfter,
    points_restored: restored,
    coupon_restored: couponRestored,
    stamps_removed: stamps,
    referral_reversed: referral,
    full,
  });
}

export function quoteRefund(
  state: MemberState,
  program: Program,
  input: RefundInput,
  at: number,
): Result<RefundQuote> {
  const figures = refundFigures(state, program, input, at);
  if (!figures.ok) return figures;
  const f = figures.value;
  const purchase = state.purchases.get(f.purchase_id) as PurchaseRecord;
  const balanceAfter =
    balanceOf(state, program, at).total -
    reversalCost(purchase.earn_lot, f.points_reversed, at) -
    reversalCost(purchase.referral_lot, f.referral_reversed, at) +
    restorationLive(state, purchase, f.points_restored, at);
  return ok({ ...f, balance_after: balanceAfter });
}
