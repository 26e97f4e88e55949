/**
 * Quoting a checkout (PROGRAM.md sections 2, 5, 6, 7): earn by tier and promotions, coupon,
 * redemption checks, stamps, and the coupons the purchase triggers. Nothing is recorded here:
 * the till records the quote's numbers in a purchase_recorded event; replay applies them.
 */
import { couponDiscount, makeCoupon, type CouponSpec } from './coupons';
import { ok, refuse, type Result } from './errors';
import { MAX_UNITS, unitsOf, type Line, type Payload } from './events';
import { balanceOf } from './lots';
import { BP, MAX_POINTS, mulDivFloor } from './money';
import type { Program } from './program';
import type { Coupon, MemberState } from './state';
import { tierOf } from './tiers';
import {
  localDay,
  localMonth,
  MS_PER_HOUR,
  parseInstant,
  startOfLocalDay,
  startOfLocalMonth,
} from './time';

export interface CheckoutInput {
  readonly amount: number;
  readonly lines?: readonly Line[];
  readonly redeem_points?: number;
  readonly coupon_code?: string | null;
  readonly store_id: string;
  /** Set while the device cannot reach the endpoint: when it lost contact, and what this member redeemed since. */
  readonly offline?: { readonly since: number; readonly redeemed_by_member: number } | null;
}

export interface IssuedCoupon {
  readonly code: string;
  readonly kind: Coupon['kind'];
  readonly value: number;
  readonly name: string;
  /** What issued it (a stamp card, the month's spend...), so that a screen can word it. */
  readonly source: Coupon['source'];
  readonly category: string | null;
  readonly valid_until: number;
}

export interface Quote {
  readonly amount: number;
  readonly membership_discount: number;
  readonly coupon_code: string | null;
  readonly coupon_discount: number;
  readonly points_redeemed: number;
  readonly amount_paid: number;
  readonly points_earned: number;
  readonly earn_rate_bp: number;
  /** Highest multiplier applied to a line (10,000 = x1). */
  readonly multiplier_bp: number;
  readonly first_purchase: boolean;
  readonly referral_bonus: number;
  readonly stamps_added: number;
  readonly coupons_issued: readonly IssuedCoupon[];
  /** The most points this purchase could take (0 when below the minimum). */
  readonly max_redeemable: number;
  readonly balance_before: number;
  readonly balance_after: number;
}

function lineMultiplier(
  program: Program,
  line: { category: string | null },
  storeId: string,
  at: number,
  first: boolean,
): number {
  let best = first ? program.first_purchase_multiplier_bp : BP;
  if (best < BP) best = BP;
  for (const p of program.promotions) {
    if (parseInstant(p.starts_at) > at || parseInstant(p.ends_at) <= at) continue;
    if (p.stores && !p.stores.includes(storeId)) continue;
    if (p.categories && (line.category === null || !p.categories.includes(line.category))) continue;
    if (p.multiplier_bp > best) best = p.multiplier_bp;
  }
  return best;
}

/**
 * Points earned on what was paid in money: the paid amount is shared among the lines in
 * proportion to their value (cumulative floors, so the shares add up exactly), each share earns
 * the tier rate times the single highest multiplier that applies to it, and the sum is floored
 * (and at most MAX_POINTS).
 */
export function earnPoints(
  program: Program,
  rateBp: number,
  amount: number,
  paid: number,
  lines: readonly Line[],
  storeId: string,
  at: number,
  first: boolean,
): { points: number; multiplier_bp: number } {
  if (paid <= 0 || amount <= 0) return { points: 0, multiplier_bp: BP };
  const parts =
    lines.length > 0
      ? lines.map((l) => ({ category: l.category, value: l.quantity * l.unit_price }))
      : [{ category: null, value: amount }];
  let cumulative = 0;
  let given = 0;
  let sum = 0n;
  let top = BP;
  for (const part of parts) {
    cumulative += part.value;
    const upTo = mulDivFloor(paid, cumulative, amount);
    const share = upTo - given;
    given = upTo;
    const m = lineMultiplier(program, part, storeId, at, first);
    if (share > 0 && m > top) top = m;
    sum += BigInt(share) * BigInt(rateBp) * BigInt(m);
  }
  // A sale of billions at a hundredfold rate would earn past what a balance holds exactly.
  return { points: Math.min(MAX_POINTS, Number(sum / BigInt(BP * BP))), multiplier_bp: top };
}

const NO_COUPONS: readonly CouponSpec[] = [];

/** Valid through the `days`th day after `at` (the end is 00:00 of the day after). */
function validFor(zone: string, at: number, days: number): number {
  return startOfLocalDay(zone, localDay(zone, at) + days + 1);
}

export interface PurchaseEffects {
  readonly first: boolean;
  readonly referral_bonus: number;
  readonly stamps_added: number;
  readonly coupons: readonly CouponSpec[];
}

/** What recording a purchase triggers, beside its points: quote and replay agree on it. */
export function purchaseEffects(
  state: MemberState,
  program: Program,
  purchase: { amount: number; lines: readonly Line[] },
  at: number,
  month: number = localMonth(program.time_zone, at),
): PurchaseEffects {
  const stamps = stampsOf(program, purchase.lines);
  return {
    first: state.purchase_count === 0,
    referral_bonus: referralBonusOf(state, program),
    stamps_added: stamps,
    coupons: couponsTriggered(state, program, purchase.amount, stamps, at, month),
  };
}

/** The referee's bonus on their first purchase (0 on any other). */
export function referralBonusOf(state: MemberState, program: Program): number {
  return state.purchase_count === 0 && state.referred_by !== null && program.referral.enabled
    ? program.referral.referee_points
    : 0;
}

/** Stamps a purchase's lines add: one per unit of the stamp category. */
export function stampsOf(program: Program, lines: readonly Line[]): number {
  if (!program.stamps.enabled) return 0;
  let stamps = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as Line;
    if (line.category === program.stamps.category) stamps += line.quantity;
  }
  return stamps;
}

/**
 * The coupons a purchase of `amount` adding `stamps` triggers: full stamp cards, the month's
 * spend coupon, the repurchase coupon. Replay calls this and the two above directly, so a
 * member's thousands of purchases make no effects object each.
 */
export function couponsTriggered(
  state: MemberState,
  program: Program,
  amount: number,
  stamps: number,
  at: number,
  month: number,
): readonly CouponSpec[] {
  const zone = program.time_zone;
  // Codes are keyed by the purchase's position in the member's history, which the quote and
  // the replay of the recorded sale agree on (the purchase id is not known when quoting).
  const nth = state.purchase_count + 1;
  let coupons: CouponSpec[] | null = null;

  if (program.stamps.enabled) {
    const cards =
      Math.floor((state.stamps_total + stamps) / program.stamps.per_card) -
      state.stamp_cards.length;
    for (let k = 1; k <= cards; k += 1) {
      (coupons ??= []).push({
        source: 'stamp_card',
        key: `${nth}:${k}`,
        kind: 'free_item',
        value: program.stamps.reward_max_value ?? 0,
        name: `Free ${program.stamps.category}`,
        category: program.stamps.category,
        valid_from: at,
        valid_until: validFor(zone, at, program.stamps.reward_valid_days),
        first_purchase_only: false,
      });
    }
  }

  const spend = program.coupons.monthly_spend;
  if (spend.enabled) {
    const totals = state.months.get(month);
    const before = totals?.gross ?? 0;
    const existing = totals?.spend_coupon ?? null;
    const live = existing !== null && state.coupons.get(existing)?.status !== 'voided';
    if (!live && before + amount >= spend.threshold) {
      (coupons ??= []).push({
        source: 'monthly_spend',
        key: `${month}:${nth}`,
        kind: 'percent',
        value: spend.percent_bp,
        name: `Monthly spend ${spend.percent_bp / 100}% off`,
        category: null,
        valid_from: at,
        // Valid until the end of the next month.
        valid_until: startOfLocalMonth(zone, month + 2),
        first_purchase_only: false,
      });
    }
  }

  const again = program.coupons.repurchase;
  if (again.enabled) {
    (coupons ??= []).push({
      source: 'repurchase',
      key: String(nth),
      kind: again.kind,
      value: again.value,
      name: again.kind === 'percent' ? `Come back ${again.value / 100}% off` : 'Come back discount',
      category: null,
      valid_from: at,
      valid_until: validFor(zone, at, again.valid_days),
      first_purchase_only: false,
    });
  }
  return coupons ?? NO_COUPONS;
}

/** Quotes a checkout for a member whose state is replayed up to `at`. */
export function quoteCheckout(
  state: MemberState,
  program: Program,
  input: CheckoutInput,
  at: number,
): Result<Quote> {
  const { amount } = input;
  const lines = input.lines ?? [];
  if (!Number.isSafeInteger(amount) || amount < 0)
    return refuse('amount_invalid', 'amount must be a whole number >= 0');
  if (lines.length > 0 && lines.reduce((s, l) => s + l.quantity * l.unit_price, 0) !== amount) {
    return refuse('lines_mismatch', 'amount must equal the sum of the lines');
  }
  if (unitsOf(lines) > MAX_UNITS)
    return refuse(
      'too_many_units',
      `a purchase may hold at most ${MAX_UNITS} units: ring it up as several sales`,
      { max_units: MAX_UNITS },
    );

  const plan =
    state.membership && state.membership.ends_at > at
      ? program.membership_plans.find((p) => p.id === state.membership?.plan_id)
      : undefined;
  const membershipDiscount = plan ? mulDivFloor(amount, plan.discount_bp, BP) : 0;
  let due = amount - membershipDiscount;

  let couponCode: string | null = null;
  let couponValue = 0;
  if (input.coupon_code) {
    const found = couponDiscount(state, input.coupon_code, amount, due, lines, at);
    if (!found.ok) return found;
    couponCode = found.value.coupon.code;
    couponValue = found.value.discount;
    due -= couponValue;
  }

  const balance = balanceOf(state, program, at);
  const pointValue = program.point_value;
  let maxRedeemable = Math.min(Math.max(0, balance.available), Math.floor(due / pointValue));
  const offline = input.offline ?? null;
  if (offline) {
    const caps = program.offline;
    if (at - offline.since > caps.max_offline_hours * MS_PER_HOUR) maxRedeemable = 0;
    if (caps.max_redeem_per_purchase !== null)
      maxRedeemable = Math.min(maxRedeemable, caps.max_redeem_per_purchase);
    if (caps.max_redeem_per_member !== null)
      maxRedeemable = Math.min(
        maxRedeemable,
        Math.max(0, caps.max_redeem_per_member - offline.redeemed_by_member),
      );
  }
  if (maxRedeemable < program.redemption.min_points) maxRedeemable = 0;

  const redeem = input.redeem_points ?? 0;
  if (redeem !== 0) {
    const min = program.redemption.min_points;
    if (!Number.isSafeInteger(redeem) || redeem < 0)
      return refuse('redeem_not_whole', 'points to redeem must be a whole number');
    if (redeem < min)
      return refuse('redeem_below_minimum', `a redemption must be at least ${min} points`, {
        min_points: min,
      });
    if (redeem > balance.available) {
      return refuse(
        'redeem_exceeds_balance',
        `only ${Math.max(0, balance.available)} points are available`,
        { available: balance.available },
      );
    }
    if (redeem * pointValue > due)
      return refuse(
        'redeem_exceeds_due',
        `at most ${Math.floor(due / pointValue)} points can pay for this sale`,
        { due, max_points: Math.floor(due / pointValue) },
      );
    if (offline) {
      const caps = program.offline;
      if (at - offline.since > caps.max_offline_hours * MS_PER_HOUR) {
        return refuse(
          'redeem_offline_too_long',
          `offline for more than ${caps.max_offline_hours} hours: redemptions are paused until the till is back online`,
          { max_offline_hours: caps.max_offline_hours },
        );
      }
      if (caps.max_redeem_per_purchase !== null && redeem > caps.max_redeem_per_purchase) {
        return refuse(
          'redeem_offline_per_purchase',
          `offline, at most ${caps.max_redeem_per_purchase} points per purchase`,
          { max: caps.max_redeem_per_purchase },
        );
      }
      if (
        caps.max_redeem_per_member !== null &&
        offline.redeemed_by_member + redeem > caps.max_redeem_per_member
      ) {
        return refuse(
          'redeem_offline_per_member',
          `offline, at most ${caps.max_redeem_per_member} points per member until the till is back online`,
          {
            max: caps.max_redeem_per_member,
            already: offline.redeemed_by_member,
          },
        );
      }
    }
  }

  const paid = due - redeem * pointValue;
  const tier = tierOf(program, state.tier);
  const effects = purchaseEffects(state, program, { amount, lines }, at);
  const earned = earnPoints(
    program,
    tier.earn_rate_bp,
    amount,
    paid,
    lines,
    input.store_id,
    at,
    effects.first,
  );
  const coupons = effects.coupons.map((spec) => {
    const c = makeCoupon(state.member_id, spec);
    return {
      code: c.code,
      kind: c.kind,
      value: c.value,
      name: c.name,
      source: c.source,
      category: c.category,
      valid_until: c.valid_until,
    };
  });
  return ok({
    amount,
    membership_discount: membershipDiscount,
    coupon_code: couponCode,
    coupon_discount: couponValue,
    points_redeemed: redeem,
    amount_paid: paid,
    points_earned: earned.points,
    earn_rate_bp: tier.earn_rate_bp,
    multiplier_bp: earned.multiplier_bp,
    first_purchase: effects.first,
    referral_bonus: effects.referral_bonus,
    stamps_added: effects.stamps_added,
    coupons_issued: coupons,
    max_redeemable: maxRedeemable,
    balance_before: balance.total,
    balance_after: balance.total - redeem + earned.points + effects.referral_bonus,
  });
}

/** The payload of the purchase_recorded event that records a quote. */
export function purchasePayload(
  quote: Quote,
  ids: { purchase_id: string; receipt_id?: string | null },
  lines: readonly Line[],
  offline: boolean,
): Payload<'purchase_recorded'> {
  return {
    purchase_id: ids.purchase_id,
    receipt_id: ids.receipt_id ?? null,
    amount: quote.amount,
    lines: [...lines],
    coupon_code: quote.coupon_code,
    coupon_discount: quote.coupon_discount,
    membership_discount: quote.membership_discount,
    points_redeemed: quote.points_redeemed,
    amount_paid: quote.amount_paid,
    points_earned: quote.points_earned,
    stamps_added: quote.stamps_added,
    offline,
  };
}
