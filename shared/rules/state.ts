/**
 * A member's state: what replay(events, programs, as_of) computes. Mutable while replay builds it;
 * callers treat it as read-only (quote and refund functions never change it).
 */
import type { CouponKind } from './program';
import { normalizeCode } from './coupons';
import type { EventOf, Line, Payload, RefundLine } from './events';

type RefundEvent = EventOf<'purchase_refunded'>;

export type LotSource = 'signup' | 'purchase' | 'referral' | 'adjustment' | 'partner' | 'cashback';

/**
 * Points credited together, with one expiry. `remaining` never goes below 0; debts are separate.
 * A lot is also the movement that credited it (at, kind, points): a member with years of
 * purchases keeps one object per credit instead of two.
 */
export class Lot implements Movement {
  constructor(
    readonly id: number,
    readonly source: LotSource,
    /** What credited it: a purchase id, an event id, a month. */
    readonly ref: string,
    readonly credited_at: number,
    readonly expires_at: number,
    readonly available_at: number,
    /** Points credited. */
    readonly points: number,
    public remaining: number,
    /** The event that credited it (null for a month's cashback). */
    readonly event_id: string | null,
  ) {}

  get at(): number {
    return this.credited_at;
  }
  get kind(): MovementKind {
    return this.source;
  }
}

/** What expired unused of a lot: a movement that reads the rest from the lot. */
export class Expiry implements Movement {
  constructor(
    private readonly lot: Lot,
    /** Minus what was left in the lot when it expired. */
    readonly points: number,
  ) {}

  get at(): number {
    return this.lot.expires_at;
  }
  get kind(): MovementKind {
    return 'expired';
  }
  get ref(): string {
    return this.lot.ref;
  }
  get event_id(): null {
    return null;
  }
}

/** What can issue a coupon (the API's coupons carry it as `source`). */
export const COUPON_SOURCES = [
  'tier',
  'welcome',
  'birthday',
  'monthly_spend',
  'stamp_card',
  'consultation',
  'repurchase',
  'issued',
] as const;

export type CouponSource = (typeof COUPON_SOURCES)[number];

export interface Coupon {
  readonly code: string;
  readonly kind: CouponKind;
  /** percent: basis points; fixed: minor units; free_item: cap (0 = none); service: 0. */
  readonly value: number;
  readonly name: string;
  readonly category: string | null;
  readonly source: CouponSource;
  readonly valid_from: number;
  readonly valid_until: number; // exclusive
  readonly first_purchase_only: boolean;
  status: 'active' | 'used' | 'voided';
  used_at: number | null;
  used_on: string | null;
}

export interface Allocation {
  readonly lot: Lot;
  readonly points: number;
  restored: number;
}

/*
 * What a replay keeps for the member's lifetime is made by classes, not object literals: V8
 * watches each literal's survival and, when nearly everything it made survives a collection (as
 * a replay's state does), allocates it straight into the old generation from then on. A process
 * that took that turn spent each replay faulting in old-generation pages (decision 0020).
 */

/** Points a redemption took from one lot, and how many of them a refund gave back. */
export class AllocationPart implements Allocation {
  restored = 0;
  constructor(
    readonly lot: Lot,
    readonly points: number,
  ) {}
}

/**
 * An array of one item. Not a literal (V8 follows what each array literal makes and gives one
 * whose arrays all live on old-generation memory: decision 0033) and not Array.of (a generic
 * built-in that takes 20 times as long as a literal: decision 0036).
 */
function arrayOf<T>(item: T): T[] {
  const array = new Array<T>(1);
  array[0] = item;
  return array;
}

const NO_REFUNDS: readonly string[] = Object.freeze([]) as readonly string[];
const NO_ALLOCATION: readonly Allocation[] = Object.freeze([]) as readonly Allocation[];

/**
 * What few purchases have, kept apart from the record (decision 0036): the lots a redemption took
 * points from, the referee's first-purchase bonus, and what refunds took back so far. A class,
 * and its arrays made by `new Array`, not literals: a replay keeps them all, and V8 gives a
 * literal whose objects all live on old-generation memory from then on (decisions 0020, 0033).
 */
class PurchaseExtras {
  allocation: readonly Allocation[] = NO_ALLOCATION;
  referral_lot: Lot | null = null;
  /** Refund ids applied; null until the first (an array made empty would grow to 17 slots). */
  refund_ids: string[] | null = null;
  gross = 0;
  /**
   * Units refunded by sku, as sku, units, sku, units... (null until a refund by lines): most
   * refunds are of a line or two, and an array of four is a third of an object keyed by sku.
   */
  units: (string | number)[] | null = null;
  stamps = 0;
}

/**
 * A recorded purchase as replay keeps it, which is also the lot of the points it earned: a member
 * with years of purchases keeps one object per purchase, not a record and a lot. The sale's own
 * figures and ids are read from its event (not copied), and what only some purchases have (a
 * redemption's lots, a referral bonus, refunds) is kept apart. A purchase that earned no points
 * is not among the member's lots.
 */
export class PurchaseRecord implements Lot {
  private extras: PurchaseExtras | null = null;

  constructor(
    readonly id: number,
    /** The purchase id. */
    readonly ref: string,
    readonly credited_at: number,
    readonly expires_at: number,
    readonly available_at: number,
    /** Points earned (the lot's points). */
    readonly points: number,
    /** Of those, what is left (addLot() lets a debt take its share first). */
    public remaining: number,
    private readonly event: EventOf<'purchase_recorded'>,
    readonly month: number,
    readonly first: boolean,
    readonly stamps: number,
  ) {}

  get source(): 'purchase' {
    return 'purchase';
  }
  get event_id(): string {
    return this.event.event_id;
  }
  get at(): number {
    return this.credited_at;
  }
  get kind(): MovementKind {
    return 'purchase';
  }
  /** The lot of the points it earned, or null when it earned none. */
  get earn_lot(): Lot | null {
    return this.points > 0 ? this : null;
  }
  get occurred_at(): number {
    return this.credited_at;
  }

  private more(): PurchaseExtras {
    return (this.extras ??= new PurchaseExtras());
  }

  /** The points a redemption on this purchase took, lot by lot (replay sets it once). */
  get allocation(): readonly Allocation[] {
    return this.extras === null ? NO_ALLOCATION : this.extras.allocation;
  }
  set allocation(parts: readonly Allocation[]) {
    if (parts.length > 0 || this.extras !== null) this.more().allocation = parts;
  }
  /** The referee's first-purchase bonus, when this purchase earned one (credited after it). */
  get referral_lot(): Lot | null {
    return this.extras === null ? null : this.extras.referral_lot;
  }
  set referral_lot(lot: Lot | null) {
    if (lot !== null || this.extras !== null) this.more().referral_lot = lot;
  }

  /** Records a refund's figures (replay calls this once per refund id). */
  addRefund(refundId: string, gross: number, lines: readonly RefundLine[], stamps: number): void {
    const r = this.more();
    if (r.refund_ids === null) r.refund_ids = arrayOf(refundId);
    else r.refund_ids.push(refundId);
    r.gross += gross;
    for (const line of lines) {
      const units = r.units;
      if (units === null) {
        const pair = new Array<string | number>(2);
        pair[0] = line.sku;
        pair[1] = line.quantity;
        r.units = pair;
        continue;
      }
      const at = units.indexOf(line.sku);
      if (at >= 0) units[at + 1] = (units[at + 1] as number) + line.quantity;
      else units.push(line.sku, line.quantity);
    }
    r.stamps += stamps;
  }

  get refund_ids(): readonly string[] {
    return this.extras?.refund_ids ?? NO_REFUNDS;
  }
  /** Purchase amount (before discounts) refunded so far. */
  get refunded_gross(): number {
    return this.extras === null ? 0 : this.extras.gross;
  }
  /** Units of `sku` refunded so far by refunds by lines. */
  refundedUnits(sku: string): number {
    const units = this.extras === null ? null : this.extras.units;
    if (units === null) return 0;
    for (let i = 0; i < units.length; i += 2) if (units[i] === sku) return units[i + 1] as number;
    return 0;
  }
  get stamps_removed(): number {
    return this.extras === null ? 0 : this.extras.stamps;
  }
  get referral_points(): number {
    const lot = this.referral_lot;
    return lot === null ? 0 : lot.points;
  }
  get store_id(): string {
    return this.event.store_id;
  }
  private get sale(): Payload<'purchase_recorded'> {
    return this.event.payload;
  }
  get purchase_id(): string {
    return this.ref;
  }
  /** The POS's own receipt number, when the till read one (refunds can be found by it). */
  get receipt_id(): string | null {
    return this.sale.receipt_id;
  }
  /** The purchase amount before discounts (not the points: those are `points`). */
  get amount(): number {
    return this.sale.amount;
  }
  get lines(): readonly Line[] {
    return this.sale.lines;
  }
  get coupon_code(): string | null {
    return this.sale.coupon_code ? normalizeCode(this.sale.coupon_code) : null;
  }
  get coupon_discount(): number {
    return this.sale.coupon_discount;
  }
  get membership_discount(): number {
    return this.sale.membership_discount;
  }
  get points_redeemed(): number {
    return this.sale.points_redeemed;
  }
  get amount_paid(): number {
    return this.sale.amount_paid;
  }
  get points_earned(): number {
    return this.sale.points_earned;
  }
}

/** Movements a MovementLog keeps in one array: 32 KB of references, well inside V8's pages. */
const MOVEMENT_CHUNK = 4_096;
/** Movements in a MovementLog's first array, which grows as they come (most members have few). */
const FIRST_CHUNK = 256;

/**
 * A member's point movements in the order they happened, kept in arrays of 4,096 rather than one:
 * an array past about 16,000 entries outgrows V8's young-generation pages, and each growth is a
 * fresh, zeroed block whose page faults cost a replay of 10,000 events (16,000 movements) more
 * than pushing them (see PurchaseIndex). After the first 256, each array is made whole and
 * filled in place: grown by pushes, it would be copied a dozen times on the way to 4,096 (three
 * times its size in copies, a fifteenth of a long replay's allocation). Read it with `filter` or
 * `map` (or iterate it).
 */
export class MovementLog implements Iterable<Movement> {
  private readonly chunks: Movement[][] = [[]];
  /** Movements in the last array. */
  private filled = 0;

  get length(): number {
    const full = this.chunks.length - 1;
    return full === 0 ? this.filled : FIRST_CHUNK + (full - 1) * MOVEMENT_CHUNK + this.filled;
  }

  push(movement: Movement): void {
    let last = this.chunks[this.chunks.length - 1] as Movement[];
    if (this.filled === (this.chunks.length === 1 ? FIRST_CHUNK : MOVEMENT_CHUNK)) {
      last = new Array<Movement>(MOVEMENT_CHUNK);
      this.chunks.push(last);
      this.filled = 0;
    }
    last[this.filled] = movement;
    this.filled += 1;
  }

  /** Calls `visit` with every movement, in order (the arrays' empty slots left out). */
  private each(visit: (movement: Movement) => void): void {
    const lastChunk = this.chunks.length - 1;
    for (let c = 0; c <= lastChunk; c += 1) {
      const chunk = this.chunks[c] as Movement[];
      const n = c === lastChunk ? this.filled : c === 0 ? FIRST_CHUNK : MOVEMENT_CHUNK;
      for (let i = 0; i < n; i += 1) visit(chunk[i] as Movement);
    }
  }

  /** Over a copy taken now (its readers are tests and lists, not replay). */
  [Symbol.iterator](): Iterator<Movement> {
    return this.map((m) => m)[Symbol.iterator]();
  }

  filter(keep: (movement: Movement) => boolean): Movement[] {
    const out: Movement[] = [];
    this.each((m) => {
      if (keep(m)) out.push(m);
    });
    return out;
  }

  map<T>(to: (movement: Movement) => T): T[] {
    const out: T[] = [];
    this.each((m) => out.push(to(m)));
    return out;
  }
}

/** Maps a PurchaseMap splits into, each small (see PurchaseMap). A power of two. */
const PURCHASE_SHARDS = 64;
/** Purchases a PurchaseMap holds in one Map (its table stays under one V8 heap page). */
const ONE_MAP_LIMIT = 2_048;

/**
 * The order PurchaseIndex keeps its run in: shorter ids first, then by UTF-16 code units. Ids
 * made one after another come in this order: counters (`p-9` before `p-10`) and uuidv7 ids (the
 * time first), which is how the tills name their sales.
 */
function idOrder(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A member's purchases by id, in the order they were recorded (docs/decisions/0033).
 *
 * A replay adds a member's purchases in time order, and the tills' ids (uuidv7) grow with time,
 * so nearly every purchase's id comes after every id before it. Those are kept in a sorted run:
 * a new purchase is found new by one comparison with the run's last id, and a refund finds its
 * sale by halves. No table is built for them; 10,000 ids in Maps took most of a millisecond of
 * a replay, and their tables a seventh of what it allocated. An id that comes out of that order
 * (another channel's receipt number, tills whose clocks disagree) goes to a PurchaseMap.
 */
export class PurchaseIndex {
  private readonly list: PurchaseRecord[] = [];
  /** The records whose ids came in increasing idOrder; null while that is every record. */
  private run: PurchaseRecord[] | null = null;
  /** The others: each came with an id before the run's last, so every one stays before it. */
  private others: PurchaseMap | null = null;

  get size(): number {
    return this.list.length;
  }

  has(purchaseId: string): boolean {
    return this.get(purchaseId) !== undefined;
  }

  get(purchaseId: string): PurchaseRecord | undefined {
    const run = this.run ?? this.list;
    let hi = run.length - 1;
    if (hi < 0) return undefined;
    const last = run[hi] as PurchaseRecord;
    const after = idOrder(purchaseId, last.purchase_id);
    // After the run's last id: after every id added (the others are all before it).
    if (after > 0) return undefined;
    if (after === 0) return last;
    let lo = 0;
    hi -= 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const record = run[mid] as PurchaseRecord;
      const order = idOrder(purchaseId, record.purchase_id);
      if (order === 0) return record;
      if (order < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return this.others?.get(purchaseId);
  }

  /** Adds a purchase not in the index yet (replay checks `has` first). */
  add(record: PurchaseRecord): void {
    const run = this.run ?? this.list;
    const n = run.length;
    if (n === 0 || idOrder(record.purchase_id, (run[n - 1] as PurchaseRecord).purchase_id) > 0) {
      if (this.run !== null) this.run.push(record);
    } else {
      // The first id out of order: the run is no longer the whole list.
      if (this.run === null) this.run = this.list.slice();
      (this.others ??= new PurchaseMap()).set(record);
    }
    this.list.push(record);
  }

  /** Every purchase, in the order they were added. */
  values(): IterableIterator<PurchaseRecord> {
    return this.list.values();
  }
}

/**
 * Purchases by id in Maps: one Map up to 2,048 purchases, then 64. V8 gives a Map whose table
 * outgrows about 4,000 entries a fresh, zeroed block outside its young generation at every
 * growth, and on this kind of (virtual) machine the page faults of those blocks cost more than
 * the rest of the map's work (docs/decisions/0020). A purchase id picks its map by its last
 * three characters (ids end in random or counting characters: uuidv7, receipt numbers).
 */
class PurchaseMap {
  private one: Map<string, PurchaseRecord> | null = new Map();
  private shards: (Map<string, PurchaseRecord> | undefined)[] = [];

  get(purchaseId: string): PurchaseRecord | undefined {
    if (this.one !== null) return this.one.get(purchaseId);
    return this.shards[shardOf(purchaseId)]?.get(purchaseId);
  }

  set(record: PurchaseRecord): void {
    if (this.one !== null) {
      if (this.one.size < ONE_MAP_LIMIT) {
        this.one.set(record.purchase_id, record);
        return;
      }
      const all = this.one;
      this.one = null;
      this.shards = new Array<Map<string, PurchaseRecord> | undefined>(PURCHASE_SHARDS).fill(
        undefined,
      );
      for (const r of all.values()) this.addToShard(r);
    }
    this.addToShard(record);
  }

  private addToShard(record: PurchaseRecord): void {
    const at = shardOf(record.purchase_id);
    let shard = this.shards[at];
    if (shard === undefined) {
      shard = new Map();
      this.shards[at] = shard;
    }
    shard.set(record.purchase_id, record);
  }
}

function shardOf(id: string): number {
  const n = id.length;
  // charCodeAt past the start is NaN, and NaN & x is 0: short ids are fine.
  return (
    (id.charCodeAt(n - 1) + id.charCodeAt(n - 2) * 7 + id.charCodeAt(n - 3) * 49) &
    (PURCHASE_SHARDS - 1)
  );
}

/** What a member's purchases and refunds add up to in one local month. */
export interface MonthTotals {
  /** Qualifying spend: money paid minus money refunded. */
  spend: number;
  /** Purchase amounts before discounts, minus refunded goods. */
  gross: number;
  /** The code of the month's monthly-spend coupon, once issued. */
  spend_coupon: string | null;
}

export type ConflictKind =
  | 'overdrawn'
  | 'coupon_reused'
  | 'coupon_unknown'
  | 'coupon_invalid'
  | 'duplicate_enrollment'
  | 'refund_invalid';

export interface Conflict {
  readonly kind: ConflictKind;
  readonly event_id: string;
  readonly occurred_at: number;
  readonly points: number;
  readonly detail: string;
}

export type MovementKind =
  | LotSource
  | 'redeem'
  | 'refund_reversal'
  | 'refund_restore'
  | 'referral_reversal'
  | 'adjustment_debit'
  | 'expired';

/** A change of the member's points, for the history screen and reports. */
export interface Movement {
  readonly at: number;
  readonly kind: MovementKind;
  /** Change of the balance (negative = out). */
  readonly points: number;
  readonly ref: string;
  readonly event_id: string | null;
}

/** A movement that is neither a credit nor an expiry (a redemption, a reversal, a restore). */
export class PointMove implements Movement {
  constructor(
    readonly at: number,
    readonly kind: MovementKind,
    readonly points: number,
    readonly ref: string,
    readonly event_id: string | null,
  ) {}
}

export interface TierChange {
  readonly tier: string;
  readonly effective_at: number;
  readonly reason: 'enrolled' | 'promoted' | 'demoted';
  /** Sum of the qualifying spend of the look-back months (0 at enrollment). */
  readonly spend: number;
}

export interface MemberState {
  readonly member_id: string;
  as_of: number;
  enrolled_at: number | null;
  card_number: string | null;
  referral_code: string | null;
  referred_by: string | null;
  birthday_month: number | null;
  tier: string;
  tier_history: TierChange[];
  /** Sorted by (expires_at, id): soonest-expiring first. */
  lots: Lot[];
  debt: number;
  purchases: PurchaseIndex;
  purchase_count: number;
  coupons: Map<string, Coupon>;
  stamps_total: number;
  stamp_cards: string[];
  /** Spend, gross amounts and the spend coupon by local month index. */
  months: Map<number, MonthTotals>;
  /** Lots credited by referral_rewarded events, by the referee's purchase id. */
  referral_lots: Map<string, Lot>;
  conflicts: Conflict[];
  movements: MovementLog;
  membership: { plan_id: string; ends_at: number } | null;
  feedback: { at: number; score: number; comment: string | null }[];
  totals: { issued: number; redeemed: number; expired: number; reversed: number; restored: number };
  /** Internals of replay. */
  next_lot_id: number;
  live_cursor: number;
  expiry_cursor: number;
  /**
   * When `lots[expiry_cursor]` expires (Infinity when there is none): replay asks at every event
   * whether a lot has expired, and this answers without reading a lot made months ago.
   */
  next_expiry: number;
  /** Local month index whose 1st-of-month processing is done. */
  last_month: number;
  /** Cached instant of the next 1st of the month to process (null = compute). */
  next_month_start: number | null;
  /** Refunds whose purchase has not been applied yet (clock skew between tills). */
  deferred_refunds: Map<string, { event: RefundEvent; at: number }[]>;
}

export function createState(memberId: string, asOf: number, firstTier: string): MemberState {
  return {
    member_id: memberId,
    as_of: asOf,
    enrolled_at: null,
    card_number: null,
    referral_code: null,
    referred_by: null,
    birthday_month: null,
    tier: firstTier,
    tier_history: [],
    lots: [],
    debt: 0,
    purchases: new PurchaseIndex(),
    purchase_count: 0,
    coupons: new Map(),
    stamps_total: 0,
    stamp_cards: [],
    months: new Map(),
    referral_lots: new Map(),
    conflicts: [],
    movements: new MovementLog(),
    membership: null,
    feedback: [],
    totals: { issued: 0, redeemed: 0, expired: 0, reversed: 0, restored: 0 },
    next_lot_id: 1,
    live_cursor: 0,
    expiry_cursor: 0,
    next_expiry: Number.POSITIVE_INFINITY,
    last_month: Number.NEGATIVE_INFINITY,
    next_month_start: null,
    deferred_refunds: new Map(),
  };
}

/** The month's totals, made on first use. */
export function monthTotals(state: MemberState, month: number): MonthTotals {
  let totals = state.months.get(month);
  if (totals === undefined) {
    totals = { spend: 0, gross: 0, spend_coupon: null };
    state.months.set(month, totals);
  }
  return totals;
}
