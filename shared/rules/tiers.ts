/**
 * Tiers (PROGRAM.md section 3) and everything that happens at 00:00 on the 1st of a month in the
 * program's time zone: tier evaluation, tier coupons, consultation vouchers, birthday coupons,
 * monthly cashback.
 */
import { makeCoupon } from './coupons';
import { credit } from './lots';
import { BP, MAX_POINTS, mulDivFloor } from './money';
import { tierIndex, type Program, type Tier } from './program';
import type { MemberState } from './state';
import { calendarMonthOf, localMonth, startOfLocalMonth } from './time';

/** Qualifying spend of the `count` months before `month` (exclusive). */
export function spendBefore(state: MemberState, month: number, count: number): number {
  let sum = 0;
  for (let m = month - count; m < month; m += 1) sum += state.months.get(m)?.spend ?? 0;
  return sum;
}

/**
 * The tier after an evaluation. `spend` is the qualifying spend of the look-back months; the
 * average qualifies for a tier when spend >= threshold * months (no fractions involved).
 * Up: straight to the highest tier that qualifies. Down (below the current tier's threshold):
 * exactly one step, or to the qualifying tier when the program says so.
 */
export function evaluateTier(program: Program, current: string, spend: number): Tier {
  const months = program.tier_evaluation.lookback_months;
  const tiers = program.tiers;
  const now = tierIndex(program, current);
  let qualifying = 0;
  for (let i = 0; i < tiers.length; i += 1) {
    if (spend >= (tiers[i] as Tier).threshold * months) qualifying = i;
  }
  let next = now;
  if (qualifying > now) next = qualifying;
  else if (qualifying < now)
    next = program.tier_evaluation.demotion === 'one_step' ? now - 1 : qualifying;
  return tiers[next] as Tier;
}

export interface NextTier {
  readonly next_tier: string | null;
  /** next threshold * months minus the spend counting towards the next evaluation, >= 0. */
  readonly amount_to_next_tier: number;
  /** Spend counted so far towards the next evaluation (last complete months + this month). */
  readonly counted_spend: number;
  readonly needed_spend: number;
}

export function nextTier(state: MemberState, program: Program, at: number = state.as_of): NextTier {
  const months = program.tier_evaluation.lookback_months;
  const month = localMonth(program.time_zone, at);
  // The next evaluation looks at this month and the months - 1 before it.
  const counted = spendBefore(state, month + 1, months);
  const i = tierIndex(program, state.tier);
  const next = program.tiers[i + 1];
  if (!next)
    return { next_tier: null, amount_to_next_tier: 0, counted_spend: counted, needed_spend: 0 };
  const needed = next.threshold * months;
  return {
    next_tier: next.id,
    amount_to_next_tier: Math.max(0, needed - counted),
    counted_spend: counted,
    needed_spend: needed,
  };
}

export function tierOf(program: Program, id: string): Tier {
  return program.tiers[tierIndex(program, id)] as Tier;
}

/** What happens at 00:00 on the 1st of `month` (a local month index) for an enrolled member. */
export function monthStart(state: MemberState, program: Program, month: number): void {
  const zone = program.time_zone;
  const at = startOfLocalMonth(zone, month);
  const endOfMonth = startOfLocalMonth(zone, month + 1);
  const months = program.tier_evaluation.lookback_months;
  const spend = spendBefore(state, month, months);

  const before = tierIndex(program, state.tier);
  const tier = evaluateTier(program, state.tier, spend);
  const after = tierIndex(program, tier.id);
  if (after !== before) {
    state.tier = tier.id;
    state.tier_history.push({
      tier: tier.id,
      effective_at: at,
      reason: after > before ? 'promoted' : 'demoted',
      spend,
    });
  }

  const key = String(month);
  const percent = program.coupons.tier.percent_bp;
  for (let n = 1; n <= tier.monthly_coupons; n += 1) {
    issue(state, {
      source: 'tier',
      key: `${key}-${n}`,
      kind: 'percent',
      value: percent,
      name: `${tier.name} ${percent / 100}% off`,
      category: null,
      valid_from: at,
      valid_until: endOfMonth,
      first_purchase_only: false,
    });
  }
  const calendarMonth = calendarMonthOf(month);
  // January, April, July, October.
  const quarterly =
    tier.consultation === 'quarterly' &&
    (calendarMonth === 1 || calendarMonth === 4 || calendarMonth === 7 || calendarMonth === 10);
  if (tier.consultation === 'monthly' || quarterly) {
    issue(state, {
      source: 'consultation',
      key,
      kind: 'service',
      value: 0,
      name: 'Free consultation',
      category: null,
      valid_from: at,
      valid_until: quarterly ? startOfLocalMonth(zone, month + 3) : endOfMonth,
      first_purchase_only: false,
    });
  }
  if (program.coupons.birthday.enabled && state.birthday_month === calendarMonth) {
    const bp = program.coupons.birthday.percent_bp;
    issue(state, {
      source: 'birthday',
      key,
      kind: 'percent',
      value: bp,
      name: `Birthday ${bp / 100}% off`,
      category: null,
      valid_from: at,
      valid_until: endOfMonth,
      first_purchase_only: false,
    });
  }
  if (program.cashback.enabled) {
    const last = state.months.get(month - 1)?.spend ?? 0;
    if (last >= program.cashback.threshold) {
      credit(
        state,
        program,
        'cashback',
        `cashback:${month - 1}`,
        Math.min(MAX_POINTS, mulDivFloor(last, program.cashback.percent_bp, BP)),
        at,
        null,
      );
    }
  }
}

function issue(state: MemberState, spec: Parameters<typeof makeCoupon>[1]): void {
  const coupon = makeCoupon(state.member_id, spec);
  if (!state.coupons.has(coupon.code)) state.coupons.set(coupon.code, coupon);
}
