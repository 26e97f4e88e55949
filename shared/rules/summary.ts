/**
 * A member's state as shown to a cashier, a kiosk or another channel (the API's profile shape):
 * what devices store as member snapshots and display.
 */
import { couponStatus, usableCoupons } from './coupons';
import { balanceOf } from './lots';
import type { Program } from './program';
import type { Coupon, MemberState } from './state';
import { nextTier, tierOf } from './tiers';
import { formatInstant } from './time';

export interface CouponView {
  readonly code: string;
  readonly kind: Coupon['kind'];
  readonly value: number;
  readonly name: string;
  readonly category: string | null;
  /** What issued it: a front end words a coupon of the program by this (shared/ui couponTitle). */
  readonly source: Coupon['source'];
  readonly valid_from: string;
  readonly valid_until: string;
  readonly status: ReturnType<typeof couponStatus>;
}

export interface PointsView {
  readonly total_points: number;
  readonly available_points: number;
  readonly pending_points: number;
  readonly points_expiring_soon: number;
  readonly expiring_soon_before: string;
  readonly debt: number;
}

export interface MemberSummary {
  readonly customer_id: string;
  readonly as_of: string;
  readonly enrolled_at: string | null;
  readonly card_number: string | null;
  readonly referral_code: string | null;
  readonly tier: string;
  readonly tier_name: string;
  readonly tier_since: string | null;
  readonly earn_rate_bp: number;
  readonly perks: readonly string[];
  readonly next_tier: string | null;
  /** The next tier's name as the program writes it (what a screen shows; `next_tier` is its id). */
  readonly next_tier_name: string | null;
  readonly amount_to_next_tier: number;
  readonly points: PointsView;
  readonly coupons: readonly CouponView[];
  readonly stamps: {
    readonly count: number;
    readonly per_card: number;
    readonly cards_completed: number;
  };
  readonly purchase_count: number;
  readonly conflicts: number;
}

export function couponView(coupon: Coupon, zone: string, at: number): CouponView {
  return {
    code: coupon.code,
    kind: coupon.kind,
    value: coupon.value,
    name: coupon.name,
    category: coupon.category,
    source: coupon.source,
    valid_from: formatInstant(zone, coupon.valid_from),
    valid_until: formatInstant(zone, coupon.valid_until),
    status: couponStatus(coupon, at),
  };
}

export function pointsView(
  state: MemberState,
  program: Program,
  at: number = state.as_of,
): PointsView {
  const b = balanceOf(state, program, at);
  return {
    total_points: b.total,
    available_points: b.available,
    pending_points: b.pending,
    points_expiring_soon: b.expiring_soon,
    expiring_soon_before: formatInstant(program.time_zone, b.expiring_soon_before),
    debt: b.debt,
  };
}

export function summarize(state: MemberState, program: Program): MemberSummary {
  const zone = program.time_zone;
  const at = state.as_of;
  const tier = tierOf(program, state.tier);
  const next = nextTier(state, program, at);
  const since = state.tier_history[state.tier_history.length - 1];
  const perCard = program.stamps.per_card;
  return {
    customer_id: state.member_id,
    as_of: formatInstant(zone, at),
    enrolled_at: state.enrolled_at === null ? null : formatInstant(zone, state.enrolled_at),
    card_number: state.card_number,
    referral_code: state.referral_code,
    tier: tier.id,
    tier_name: tier.name,
    tier_since: since ? formatInstant(zone, since.effective_at) : null,
    earn_rate_bp: tier.earn_rate_bp,
    perks: tier.perks,
    next_tier: next.next_tier,
    next_tier_name: next.next_tier === null ? null : tierOf(program, next.next_tier).name,
    amount_to_next_tier: next.amount_to_next_tier,
    points: pointsView(state, program, at),
    coupons: usableCoupons(state, at).map((c) => couponView(c, zone, at)),
    stamps: {
      count: Math.max(0, state.stamps_total - state.stamp_cards.length * perCard),
      per_card: perCard,
      cards_completed: state.stamp_cards.length,
    },
    purchase_count: state.purchase_count,
    conflicts: state.conflicts.length,
  };
}
