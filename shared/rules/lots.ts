/**
 * The points ledger of one member: lots with expiry, soonest-expiring-first consumption, debts,
 * reversals and restorations (PROGRAM.md sections 4, 5 and 8).
 */
import type { Program } from './program';
import { AllocationPart, Expiry, Lot, PointMove } from './state';
import type { Allocation, LotSource, MemberState, MovementKind } from './state';
import { addMonthsClamped, civilDate, dayNumber, localDay, startOfLocalDay } from './time';

/** 00:00 local of the credit date plus the program's expiry months (29 Feb + 1 y = 28 Feb). */
export function expiryOf(program: Program, creditedAt: number): number {
  const zone = program.time_zone;
  const day = localDay(zone, creditedAt);
  const months = program.expiry.months;
  if (lastExpiryZone === zone && lastExpiryMonths === months && lastExpiryDay === day)
    return lastExpiry;
  const date = addMonthsClamped(civilDate(day), months);
  lastExpiry = startOfLocalDay(zone, dayNumber(date.year, date.month, date.day));
  lastExpiryZone = zone;
  lastExpiryMonths = months;
  lastExpiryDay = day;
  return lastExpiry;
}

/** Credits come in time order, many on one day: remember the last day's expiry. */
let lastExpiryZone = '';
let lastExpiryMonths = 0;
let lastExpiryDay = Number.NaN;
let lastExpiry = 0;

/** Points of a purchase become available at 00:00 local of the credit date + pending_days. */
export function availableFrom(program: Program, creditedAt: number): number {
  if (program.pending_days === 0) return creditedAt;
  const zone = program.time_zone;
  const day = localDay(zone, creditedAt) + program.pending_days;
  if (lastAvailableZone !== zone || lastAvailableDay !== day) {
    lastAvailable = startOfLocalDay(zone, day);
    lastAvailableZone = zone;
    lastAvailableDay = day;
  }
  return lastAvailable;
}

/** Like expiryOf's: the last day's answer, since many credits fall on one day. */
let lastAvailableZone = '';
let lastAvailableDay = Number.NaN;
let lastAvailable = 0;

function insertSorted(state: MemberState, lot: Lot): number {
  const lots = state.lots;
  let lo = 0;
  let hi = lots.length;
  // Almost always appended: lots are credited in time order with one expiry length.
  const last = lots[hi - 1];
  if (!last || last.expires_at <= lot.expires_at) {
    lots.push(lot);
    if (hi === state.expiry_cursor) state.next_expiry = lot.expires_at;
    return hi;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((lots[mid] as Lot).expires_at <= lot.expires_at) lo = mid + 1;
    else hi = mid;
  }
  lots.splice(lo, 0, lot);
  if (lo < state.live_cursor) state.live_cursor = lo;
  if (lo < state.expiry_cursor) state.expiry_cursor += 1;
  else if (lo === state.expiry_cursor) state.next_expiry = lot.expires_at;
  return lo;
}

export function positionOf(state: MemberState, lot: Lot): number {
  let lo = 0;
  let hi = state.lots.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = state.lots[mid] as Lot;
    if (m.expires_at < lot.expires_at || (m.expires_at === lot.expires_at && m.id < lot.id))
      lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function move(
  state: MemberState,
  at: number,
  kind: MovementKind,
  pointsDelta: number,
  ref: string,
  eventId: string | null,
): void {
  if (pointsDelta !== 0) state.movements.push(new PointMove(at, kind, pointsDelta, ref, eventId));
}

/** Credits a new lot; a debt is paid off first. Returns the lot. */
export function credit(
  state: MemberState,
  program: Program,
  source: LotSource,
  ref: string,
  amount: number,
  at: number,
  eventId: string | null,
): Lot {
  const lot = new Lot(
    state.next_lot_id++,
    source,
    ref,
    at,
    expiryOf(program, at),
    source === 'purchase' ? availableFrom(program, at) : at,
    amount,
    amount,
    eventId,
  );
  addLot(state, lot);
  return lot;
}

/**
 * Adds a new lot (made with `remaining` = its points) to the member's: a debt takes what it can
 * of the points first.
 */
export function addLot(state: MemberState, lot: Lot): void {
  const paysDebt = Math.min(state.debt, lot.points);
  state.debt -= paysDebt;
  lot.remaining -= paysDebt;
  insertSorted(state, lot);
  state.totals.issued += lot.points;
  if (lot.points !== 0) state.movements.push(lot);
}

function isLive(lot: Lot, at: number): boolean {
  return lot.expires_at > at;
}

/**
 * Spends points, soonest-expiring available lots first. What the lots can't cover becomes a debt
 * (returned as `shortfall`): only an offline conflict or a manager's debit gets there.
 */
export function consume(
  state: MemberState,
  amount: number,
  at: number,
  kind: MovementKind,
  ref: string,
  eventId: string | null,
): { allocation: Allocation[]; shortfall: number } {
  // The parts are gathered in one array kept for the purpose and copied out at the end: the
  // copy (slice) is of the exact length, where an array grown by pushes takes 17 slots at its
  // second part, and V8 does not follow what slice makes as it follows an array literal (one
  // whose arrays all live on is given old-generation memory from then on: decision 0033).
  const parts = scratchParts;
  let left = amount;
  const lots = state.lots;
  // Existing debt is owed before anything else: available = lots - debt.
  let owed = state.debt;
  for (let i = state.live_cursor; i < lots.length && left > 0; i += 1) {
    const lot = lots[i] as Lot;
    if (lot.remaining === 0 || !isLive(lot, at)) {
      if (i === state.live_cursor) state.live_cursor += 1;
      continue;
    }
    if (lot.available_at > at) continue;
    let usable = lot.remaining;
    if (owed > 0) {
      const reserved = Math.min(owed, usable);
      owed -= reserved;
      usable -= reserved;
    }
    const take = Math.min(usable, left);
    if (take === 0) continue;
    lot.remaining -= take;
    left -= take;
    parts.push(new AllocationPart(lot, take));
  }
  state.debt += left;
  move(state, at, kind, -amount, ref, eventId);
  const allocation = parts.slice();
  parts.length = 0;
  return { allocation, shortfall: left };
}

/** consume()'s parts while it gathers them (emptied when it returns: it keeps no lot alive). */
const scratchParts: Allocation[] = [];

/**
 * Takes back points credited by one lot (a refunded purchase, a reversed referral). They come out
 * of that lot while it still holds them; points of it already spent come out of the member's
 * other lots, soonest-expiring first; what nothing covers is a debt. Points of the lot that
 * expired unused are gone already and cost the member nothing more. Returns the balance change.
 */
export function reverse(
  state: MemberState,
  lot: Lot | null,
  amount: number,
  at: number,
  kind: MovementKind,
  ref: string,
  eventId: string | null,
): number {
  let fromLot = 0;
  let delta = 0;
  if (lot) {
    fromLot = Math.min(lot.remaining, amount);
    lot.remaining -= fromLot;
    if (isLive(lot, at)) delta -= fromLot;
    else state.totals.expired -= fromLot;
  }
  let rest = amount - fromLot;
  const lots = state.lots;
  for (let i = state.live_cursor; i < lots.length && rest > 0; i += 1) {
    const other = lots[i] as Lot;
    if (other.remaining === 0 || !isLive(other, at)) continue;
    const take = Math.min(other.remaining, rest);
    other.remaining -= take;
    rest -= take;
    delta -= take;
  }
  state.debt += rest;
  delta -= rest;
  state.totals.reversed += amount;
  move(state, at, kind, delta, ref, eventId);
  return delta;
}

/**
 * Gives redeemed points back into the lots they came from, latest-expiring first, with their
 * original expiry (points of an expired lot come back expired). Returns the live points restored.
 */
export function restore(
  state: MemberState,
  allocation: readonly Allocation[],
  amount: number,
  at: number,
  ref: string,
  eventId: string | null,
): number {
  let left = amount;
  let live = 0;
  const order = [...allocation].sort((a, b) => {
    return b.lot.expires_at - a.lot.expires_at || b.lot.id - a.lot.id;
  });
  for (const part of order) {
    if (left === 0) break;
    const lot = part.lot;
    const x = Math.min(part.points - part.restored, left);
    if (x <= 0) continue;
    part.restored += x;
    left -= x;
    if (!isLive(lot, at)) {
      lot.remaining += x;
      state.totals.expired += x;
      continue;
    }
    const paysDebt = Math.min(state.debt, x);
    state.debt -= paysDebt;
    lot.remaining += x - paysDebt;
    live += x;
    const pos = positionOf(state, lot);
    if (pos < state.live_cursor) state.live_cursor = pos;
  }
  state.totals.restored += amount;
  move(state, at, 'refund_restore', live, ref, eventId);
  return live;
}

/** Moves lots that expired by `at` out of the balance, recording what expired unused. */
export function expireLots(state: MemberState, at: number): void {
  if (state.next_expiry > at) return;
  const lots = state.lots;
  while (state.expiry_cursor < lots.length) {
    const lot = lots[state.expiry_cursor] as Lot;
    if (lot.expires_at > at) {
      state.next_expiry = lot.expires_at;
      return;
    }
    if (lot.remaining > 0) {
      state.totals.expired += lot.remaining;
      state.movements.push(new Expiry(lot, -lot.remaining));
    }
    state.expiry_cursor += 1;
  }
  state.next_expiry = Number.POSITIVE_INFINITY;
}

export interface Balance {
  /** available + pending. */
  readonly total: number;
  /** Spendable now: live, available lots minus debt (negative = debt beyond the lots). */
  readonly available: number;
  readonly pending: number;
  readonly debt: number;
  readonly expiring_soon: number;
  /** Points in lots that expire at or before this instant count as expiring soon. */
  readonly expiring_soon_before: number;
}

export function balanceOf(state: MemberState, program: Program, at: number = state.as_of): Balance {
  const zone = program.time_zone;
  const cutoff = startOfLocalDay(zone, localDay(zone, at) + program.expiry.expiring_soon_days + 1);
  let available = 0;
  let pending = 0;
  let soon = 0;
  const lots = state.lots;
  for (let i = state.live_cursor; i < lots.length; i += 1) {
    const lot = lots[i] as Lot;
    if (lot.remaining === 0 || lot.expires_at <= at) continue;
    if (lot.available_at > at) pending += lot.remaining;
    else available += lot.remaining;
    if (lot.expires_at <= cutoff) soon += lot.remaining;
  }
  available -= state.debt;
  return {
    total: available + pending,
    available,
    pending,
    debt: state.debt,
    expiring_soon: soon,
    expiring_soon_before: cutoff,
  };
}
