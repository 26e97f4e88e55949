/**
 * replay(events, programs, as_of): a member's state as a pure function of its events and the
 * program versions. The same function runs in the extension, the kiosk and the server.
 *
 * Events are applied in business order (compareEvents), whatever order they arrived in. Between
 * events, time passes: lots expire and, at 00:00 on each 1st of the month in the program's zone,
 * tiers are evaluated and the month's coupons are issued.
 */
import { CouponRecord, couponStatus, makeCoupon, normalizeCode } from './coupons';
import { couponsTriggered, referralBonusOf, stampsOf } from './checkout';
import { birthdayMonth, compareEvents, type EventOf, type LedgerEvent } from './events';
import {
  addLot,
  availableFrom,
  consume,
  credit,
  expireLots,
  expiryOf,
  restore,
  reverse,
} from './lots';
import type { Program, Programs } from './program';
import { refundFigures, refundInputOf } from './refund';
import type { Allocation, ConflictKind, MemberState } from './state';
import { createState, monthTotals, PurchaseRecord } from './state';
import { monthStart } from './tiers';
import { localDay, localMonth, parseInstant, startOfLocalDay, startOfLocalMonth } from './time';

/** A member's events in business order, with their times parsed once. */
export function businessOrder(events: readonly LedgerEvent[]): {
  events: readonly LedgerEvent[];
  times: Float64Array;
} {
  return inBusinessOrder(events, new Float64Array(events.length));
}

/**
 * The times replay parses into, kept from one replay to the next (grown when a member has more
 * events): a typed array of its own for each replay cost a 10-event member more than parsing
 * its times (an array of over 64 bytes is allocated outside V8's heap). Replay does not call
 * itself, and keeps nothing of it in the state.
 */
let replayTimes = new Float64Array(256);
/** Events whose times are kept for the next replays (512 KB); a longer history's are its own. */
const KEPT_TIMES = 65_536;

/** An array for `n` events' times: replayTimes, grown if need be, or one of its own past KEPT_TIMES. */
function timesFor(n: number): Float64Array {
  if (n <= replayTimes.length) return replayTimes;
  if (n > KEPT_TIMES) return new Float64Array(n);
  replayTimes = new Float64Array(Math.min(KEPT_TIMES, Math.max(n, 2 * replayTimes.length)));
  return replayTimes;
}

/** businessOrder into `times` (at least events.length long), which may come back reordered. */
function inBusinessOrder(
  events: readonly LedgerEvent[],
  times: Float64Array,
): { events: readonly LedgerEvent[]; times: Float64Array } {
  const n = events.length;
  let sorted = true;
  for (let i = 0; i < n; i += 1) {
    times[i] = parseInstant((events[i] as LedgerEvent).occurred_at);
    if (
      sorted &&
      i > 0 &&
      compareEvents(
        events[i - 1] as LedgerEvent,
        events[i] as LedgerEvent,
        times[i - 1] as number,
        times[i] as number,
      ) > 0
    ) {
      sorted = false;
    }
  }
  if (sorted) return { events, times };
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) =>
    compareEvents(
      events[a] as LedgerEvent,
      events[b] as LedgerEvent,
      times[a] as number,
      times[b] as number,
    ),
  );
  return {
    events: order.map((i) => events[i] as LedgerEvent),
    times: Float64Array.from(order, (i) => times[i] as number),
  };
}

export function replay(
  memberId: string,
  events: readonly LedgerEvent[],
  programs: Programs,
  asOf: number,
): MemberState {
  const ordered = inBusinessOrder(events, timesFor(events.length));
  const list = ordered.events;
  const times = ordered.times;
  // (The times past the member's events are an earlier replay's.)
  const first = list.length > 0 ? (times[0] as number) : asOf;
  const state = createState(memberId, asOf, programs.at(first).tiers[0]?.id ?? 'BASIC');
  for (let i = 0; i < list.length; i += 1) {
    const at = times[i] as number;
    if (at > asOf) break;
    advance(state, programs, at);
    apply(state, programs, list[i] as LedgerEvent, at);
  }
  advance(state, programs, asOf);
  state.as_of = asOf;
  return state;
}

/** Lets time pass up to `at`: month starts (tiers, coupons, cashback) and expiries. */
export function advance(state: MemberState, programs: Programs, at: number): void {
  if (state.enrolled_at !== null) {
    for (;;) {
      const month = state.last_month + 1;
      let start = state.next_month_start;
      if (start === null) {
        start = startOfLocalMonth(programs.at(at).time_zone, month);
        state.next_month_start = start;
      }
      if (start > at) break;
      expireLots(state, start);
      monthStart(state, programs.at(start), month);
      state.last_month = month;
      state.next_month_start = null;
    }
  }
  expireLots(state, at);
  if (at > state.as_of) state.as_of = at;
}

function conflict(
  state: MemberState,
  kind: ConflictKind,
  event: LedgerEvent,
  at: number,
  points: number,
  detail: string,
): void {
  state.conflicts.push({ kind, event_id: event.event_id, occurred_at: at, points, detail });
}

/** Applies one event at its time (advance() first). */
export function apply(
  state: MemberState,
  programs: Programs,
  event: LedgerEvent,
  at: number,
): void {
  const program = programs.version(event.program_version);
  switch (event.type) {
    case 'member_enrolled':
      return enroll(state, program, event, at);
    case 'member_updated': {
      const birthday = event.payload.birthday;
      if (birthday !== undefined)
        state.birthday_month = birthday === null ? null : birthdayMonth(birthday);
      return;
    }
    case 'purchase_recorded':
      return purchase(state, programs, program, event, at);
    case 'purchase_refunded': {
      if (!state.purchases.has(event.payload.purchase_id)) {
        // The purchase is later in business order (another till's clock): apply after it.
        const waiting = state.deferred_refunds.get(event.payload.purchase_id) ?? [];
        waiting.push({ event, at });
        state.deferred_refunds.set(event.payload.purchase_id, waiting);
        return;
      }
      return refund(state, program, event, at);
    }
    case 'coupon_issued': {
      const p = event.payload;
      const code = normalizeCode(p.code);
      if (state.coupons.has(code)) return;
      state.coupons.set(
        code,
        new CouponRecord(
          code,
          p.kind,
          p.value,
          p.name,
          p.category,
          'issued',
          parseInstant(p.valid_from),
          parseInstant(p.valid_until),
          p.first_purchase_only,
        ),
      );
      return;
    }
    case 'coupon_used':
      return useCoupon(state, event, event.payload.code, event.event_id, at);
    case 'coupon_voided': {
      const coupon = state.coupons.get(normalizeCode(event.payload.code));
      if (coupon && coupon.status === 'active') coupon.status = 'voided';
      return;
    }
    case 'points_adjusted': {
      const p = event.payload;
      if (p.points > 0)
        credit(state, program, 'adjustment', event.event_id, p.points, at, event.event_id);
      else consume(state, -p.points, at, 'adjustment_debit', event.event_id, event.event_id);
      return;
    }
    case 'referral_rewarded': {
      const p = event.payload;
      if (state.referral_lots.has(p.purchase_id)) return;
      const lot = credit(
        state,
        program,
        'referral',
        `referral:${p.purchase_id}`,
        p.points,
        at,
        event.event_id,
      );
      state.referral_lots.set(p.purchase_id, lot);
      return;
    }
    case 'referral_reversed': {
      const p = event.payload;
      const lot = state.referral_lots.get(p.purchase_id);
      if (!lot) return;
      state.referral_lots.delete(p.purchase_id);
      reverse(
        state,
        lot,
        p.points,
        at,
        'referral_reversal',
        `referral:${p.purchase_id}`,
        event.event_id,
      );
      return;
    }
    case 'partner_points_credited': {
      const p = event.payload;
      credit(
        state,
        program,
        'partner',
        `${p.partner_id}:${p.reference}`,
        p.points,
        at,
        event.event_id,
      );
      return;
    }
    case 'membership_started':
      state.membership = {
        plan_id: event.payload.plan_id,
        ends_at: parseInstant(event.payload.ends_at),
      };
      return;
    case 'membership_cancelled':
      if (state.membership?.plan_id === event.payload.plan_id) state.membership = null;
      return;
    case 'feedback_given':
      state.feedback.push({ at, score: event.payload.score, comment: event.payload.comment });
      return;
    default: {
      const never: never = event;
      throw new TypeError(`unknown event type ${(never as { type: string }).type}`);
    }
  }
}

function enroll(
  state: MemberState,
  program: Program,
  event: EventOf<'member_enrolled'>,
  at: number,
): void {
  if (state.enrolled_at !== null) {
    conflict(
      state,
      'duplicate_enrollment',
      event,
      at,
      0,
      'member enrolled twice; the first enrollment stands',
    );
    return;
  }
  const p = event.payload;
  const zone = program.time_zone;
  state.enrolled_at = at;
  state.card_number = p.card_number;
  state.referral_code = p.referral_code;
  state.referred_by = p.referred_by;
  state.birthday_month = p.birthday === null ? null : birthdayMonth(p.birthday);
  state.tier = program.tiers[0]?.id ?? state.tier;
  state.tier_history.push({ tier: state.tier, effective_at: at, reason: 'enrolled', spend: 0 });
  state.last_month = localMonth(zone, at);
  state.next_month_start = null;
  if (program.signup_bonus > 0)
    credit(state, program, 'signup', event.event_id, program.signup_bonus, at, event.event_id);
  const welcome = program.coupons.welcome;
  if (welcome.enabled) {
    const coupon = makeCoupon(state.member_id, {
      source: 'welcome',
      key: event.event_id,
      kind: 'percent',
      value: welcome.percent_bp,
      name: `Welcome ${welcome.percent_bp / 100}% off`,
      category: null,
      valid_from: at,
      valid_until: startOfLocalDay(zone, localDay(zone, at) + welcome.valid_days + 1),
      first_purchase_only: welcome.first_purchase_only,
    });
    state.coupons.set(coupon.code, coupon);
  }
}

function useCoupon(
  state: MemberState,
  event: LedgerEvent,
  rawCode: string,
  usedOn: string,
  at: number,
): void {
  const coupon = state.coupons.get(normalizeCode(rawCode));
  if (!coupon) {
    conflict(state, 'coupon_unknown', event, at, 0, `coupon ${rawCode} is not this member's`);
    return;
  }
  if (coupon.status === 'used') {
    conflict(
      state,
      'coupon_reused',
      event,
      at,
      0,
      `coupon ${coupon.code} was already used on ${coupon.used_on ?? '?'}`,
    );
    return;
  }
  if (couponStatus(coupon, at) !== 'active') {
    conflict(
      state,
      'coupon_invalid',
      event,
      at,
      0,
      `coupon ${coupon.code} was ${couponStatus(coupon, at)} when used`,
    );
  }
  coupon.status = 'used';
  coupon.used_at = at;
  coupon.used_on = usedOn;
}

const NO_ALLOCATION: readonly Allocation[] = Object.freeze([]);

function purchase(
  state: MemberState,
  programs: Programs,
  program: Program,
  event: EventOf<'purchase_recorded'>,
  at: number,
): void {
  const p = event.payload;
  if (state.purchases.has(p.purchase_id)) return;
  const month = localMonth(program.time_zone, at);
  const first = state.purchase_count === 0;
  const referralBonus = referralBonusOf(state, program);
  const stamps = stampsOf(program, p.lines);
  const triggered = couponsTriggered(state, program, p.amount, stamps, at, month);
  if (p.coupon_code) useCoupon(state, event, p.coupon_code, p.purchase_id, at);

  let allocation = NO_ALLOCATION;
  if (p.points_redeemed > 0) {
    const spent = consume(state, p.points_redeemed, at, 'redeem', p.purchase_id, event.event_id);
    state.totals.redeemed += p.points_redeemed;
    allocation = spent.allocation;
    if (spent.shortfall > 0) {
      conflict(
        state,
        'overdrawn',
        event,
        at,
        spent.shortfall,
        `redeemed ${spent.shortfall} points more than the balance held: a debt`,
      );
    }
  }
  // The purchase's record is the lot of the points it earned (credited before the referral bonus).
  const earned = p.points_earned;
  const record = new PurchaseRecord(
    earned > 0 ? state.next_lot_id++ : 0,
    p.purchase_id,
    at,
    earned > 0 ? expiryOf(program, at) : at,
    earned > 0 ? availableFrom(program, at) : at,
    earned,
    earned,
    event,
    month,
    first,
    stamps,
  );
  record.allocation = allocation;
  if (earned > 0) addLot(state, record);
  if (referralBonus > 0)
    record.referral_lot = credit(
      state,
      program,
      'referral',
      p.purchase_id,
      referralBonus,
      at,
      event.event_id,
    );

  const totals = monthTotals(state, month);
  totals.spend += p.amount_paid;
  totals.gross += p.amount;
  state.stamps_total += stamps;
  for (const spec of triggered) {
    const coupon = makeCoupon(state.member_id, spec);
    state.coupons.set(coupon.code, coupon);
    if (spec.source === 'stamp_card') state.stamp_cards.push(coupon.code);
    if (spec.source === 'monthly_spend') totals.spend_coupon = coupon.code;
  }
  state.purchase_count += 1;
  state.purchases.add(record);

  if (state.deferred_refunds.size === 0) return;
  const waiting = state.deferred_refunds.get(p.purchase_id);
  if (waiting) {
    state.deferred_refunds.delete(p.purchase_id);
    for (const r of waiting)
      refund(state, programs.version(r.event.program_version), r.event, Math.max(r.at, at));
  }
}

function refund(
  state: MemberState,
  program: Program,
  event: EventOf<'purchase_refunded'>,
  at: number,
): void {
  const p = event.payload;
  const record = state.purchases.get(p.purchase_id) as PurchaseRecord;
  if (record.refund_ids.includes(p.refund_id)) return;
  const input = refundInputOf(p);
  const figures = refundFigures(state, program, input, at);
  if (!figures.ok) {
    conflict(state, 'refund_invalid', event, at, 0, figures.error.message);
    return;
  }
  const f = figures.value;
  record.addRefund(p.refund_id, f.amount, f.lines, f.stamps_removed);
  const totals = monthTotals(state, record.month);
  totals.spend -= f.amount_refunded;
  totals.gross -= f.amount;

  if (f.points_reversed > 0)
    reverse(
      state,
      record.earn_lot,
      f.points_reversed,
      at,
      'refund_reversal',
      record.purchase_id,
      event.event_id,
    );
  if (f.points_restored > 0)
    restore(state, record.allocation, f.points_restored, at, record.purchase_id, event.event_id);
  if (f.referral_reversed > 0 && record.referral_lot !== null) {
    reverse(
      state,
      record.referral_lot,
      f.referral_reversed,
      at,
      'referral_reversal',
      record.purchase_id,
      event.event_id,
    );
  }
  if (f.coupon_restored && record.coupon_code) {
    const coupon = state.coupons.get(record.coupon_code);
    if (coupon) {
      coupon.status = 'active';
      coupon.used_at = null;
      coupon.used_on = null;
    }
  }
  // Stamps of refunded units come off; a completed card they undo loses its unused coupon.
  state.stamps_total -= f.stamps_removed;
  const perCard = program.stamps.per_card;
  while (state.stamp_cards.length > 0 && state.stamps_total < state.stamp_cards.length * perCard) {
    const code = state.stamp_cards[state.stamp_cards.length - 1] as string;
    const card = state.coupons.get(code);
    if (!card || card.status !== 'active') break;
    card.status = 'voided';
    state.stamp_cards.pop();
  }
  // The month's spend coupon is taken back, if unused, when refunds bring the month below it.
  const spendCode = totals.spend_coupon;
  const spendCoupon = spendCode ? state.coupons.get(spendCode) : undefined;
  if (
    spendCoupon &&
    spendCoupon.status === 'active' &&
    totals.gross < program.coupons.monthly_spend.threshold
  ) {
    spendCoupon.status = 'voided';
  }
}
