/**
 * The only way events enter the central ledger, from a device's sync or from the REST API.
 *
 * A Writer lives for one database transaction. It first takes the `server_seq` counter row
 * (`UPDATE ... RETURNING`), which PostgreSQL keeps locked until commit: event-writing
 * transactions are serialized, so server sequence numbers become visible in order and a pull
 * cursor never skips an event that commits late. SQLite has one writer anyway.
 */
import {
  advance,
  apply,
  checkPurchase,
  checkRefund,
  formatInstant,
  parseInstant,
  refundFigures,
  refundInputOf,
  replay,
  type Disagreement,
  type EventType,
  type LedgerEvent,
  type MemberState,
  type Payload,
  type Programs,
} from '../shared/rules';
import { GENESIS_HASH, uuidv7, type EventEnvelope, type RejectReason } from '../shared/protocol';
import { hashEnvelope } from './crypto';
import type { Database, Queryable } from './db/database';
import type { ProgramRegistry } from './programs';

/** A member's row as the members table stores it (SELECT * FROM members). */
export interface MemberColumns {
  member_id: string;
  card_number: string;
  referral_code: string;
  phone: string | null;
  phone_hash: string | null;
  name: string | null;
  birthday: string | null;
  pin_hash: string | null;
  pin_failures: number;
  pin_locked_until_ms: number;
  referred_by: string | null;
  store_id: string;
  consent: number;
  enrolled_at: string;
}

/**
 * A member's row as the ledger reads it (SELECT ${MEMBER_ROW} FROM members): its columns, and
 * `last_seq`, the server_seq of the member's latest stored event, which the member cache is
 * keyed by. It is read from the events' (member_id, server_seq) index, not kept in the row: a
 * column updated for every member at every batch wrote one page of the members table a member
 * (decision 0034).
 */
export interface MemberRow extends MemberColumns {
  last_seq: number;
}

/** The select list of a MemberRow: every column, and `last_seq` from the events. */
export const MEMBER_ROW = `members.*, COALESCE((SELECT MAX(server_seq) FROM events WHERE events.member_id = members.member_id), 0) AS last_seq`;

/**
 * A member's state after all its events, as replay() would make it at the time of the last one,
 * with the program versions it was computed under. The next event of the member (the usual case:
 * later than every event before it) advances it instead of replaying the whole history.
 */
interface HeldState {
  readonly state: MemberState;
  readonly programs: Programs;
}

interface CachedMember {
  events: LedgerEvent[];
  last_seq: number;
  /** Lent to one writer at a time (see takeState). */
  state: HeldState | null;
}

/**
 * Members' applied events, kept in memory (least recently used out first), and the states of the
 * members written to most recently (fewer: a state weighs more than its events).
 */
export class MemberCache {
  private readonly map = new Map<string, CachedMember>();
  /** Members whose entry holds a state, least recently given first. */
  private readonly withState = new Set<string>();
  constructor(
    private readonly max = 50_000,
    private readonly maxStates = 5_000,
  ) {}

  get(memberId: string, lastSeq: number): LedgerEvent[] | undefined {
    const hit = this.map.get(memberId);
    if (!hit || hit.last_seq !== lastSeq) return undefined;
    this.map.delete(memberId);
    this.map.set(memberId, hit);
    return hit.events;
  }

  /**
   * The member's cached state, handed over: the cache forgets it, because the writer advances it
   * in place and its transaction may still roll back. The writer gives it back after commit.
   */
  takeState(memberId: string, lastSeq: number): HeldState | null {
    const hit = this.map.get(memberId);
    if (!hit || hit.last_seq !== lastSeq) return null;
    const held = hit.state;
    hit.state = null;
    this.withState.delete(memberId);
    return held;
  }

  set(
    memberId: string,
    events: LedgerEvent[],
    lastSeq: number,
    state: HeldState | null = null,
  ): void {
    this.map.delete(memberId);
    this.map.set(memberId, { events, last_seq: lastSeq, state });
    this.withState.delete(memberId);
    if (state) {
      this.withState.add(memberId);
      if (this.withState.size > this.maxStates) {
        const oldest = this.withState.values().next().value as string;
        this.withState.delete(oldest);
        const entry = this.map.get(oldest);
        if (entry) entry.state = null;
      }
    }
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) {
        this.map.delete(oldest);
        this.withState.delete(oldest);
      }
    }
  }

  /** How many members' states are held (for tests). */
  get states(): number {
    return this.withState.size;
  }

  clear(): void {
    this.map.clear();
    this.withState.clear();
  }

  /** Drops one member (events and state). */
  forget(memberId: string): void {
    this.map.delete(memberId);
    this.withState.delete(memberId);
  }
}

export interface LedgerContext {
  readonly db: Database;
  readonly programs: ProgramRegistry;
  readonly cache: MemberCache;
  readonly now: () => number;
}

export async function memberRow(q: Queryable, memberId: string): Promise<MemberRow | undefined> {
  return q.get<MemberRow>(`SELECT ${MEMBER_ROW} FROM members WHERE member_id = ?`, [memberId]);
}

/** A member's applied events (from the cache when it is current). */
export async function loadEvents(
  ctx: LedgerContext,
  q: Queryable,
  row: MemberRow,
): Promise<LedgerEvent[]> {
  const cached = ctx.cache.get(row.member_id, Number(row.last_seq));
  if (cached) return cached;
  const rows = await q.all<{ body: string }>(
    `SELECT body FROM events WHERE member_id = ? AND status = 'applied' ORDER BY server_seq`,
    [row.member_id],
  );
  const events = rows.map((r) => JSON.parse(r.body) as LedgerEvent);
  ctx.cache.set(row.member_id, events, Number(row.last_seq));
  return events;
}

export async function memberState(
  ctx: LedgerContext,
  q: Queryable,
  row: MemberRow,
  asOf: number,
): Promise<MemberState> {
  return replay(row.member_id, await loadEvents(ctx, q, row), ctx.programs.programs(), asOf);
}

export interface Appended {
  readonly server_seq: number;
  readonly status: 'applied' | 'rejected';
  readonly flags: readonly Disagreement[];
}

/** The details of a member that a member_updated event changes. */
export type MemberChanges = Partial<Pick<MemberRow, 'name' | 'phone' | 'phone_hash' | 'birthday'>>;

/** What a Writer buffers: rows written once, as multi-row statements, when it closes. */
interface Pending {
  members: MemberRow[];
  events: unknown[][];
  purchases: unknown[][];
  conflicts: unknown[][];
}

const EVENT_COLUMNS =
  '(server_seq, event_id, device_id, seq, type, member_id, store_id, occurred_at, body, hash, status, reason, flags, received_at)';
const MEMBER_COLUMNS = [
  'member_id',
  'card_number',
  'referral_code',
  'phone',
  'phone_hash',
  'name',
  'birthday',
  'pin_hash',
  'pin_failures',
  'pin_locked_until_ms',
  'referred_by',
  'store_id',
  'consent',
  'enrolled_at',
] as const;

/** Events whose effect can overdraw a balance or reuse a coupon (and so make a conflict). */
function mayConflict(event: EventEnvelope): boolean {
  switch (event.type) {
    case 'purchase_recorded':
      return event.payload.points_redeemed > 0 || event.payload.coupon_code !== null;
    case 'purchase_refunded':
    case 'coupon_used':
      return true;
    case 'points_adjusted':
      return event.payload.points < 0;
    default:
      return false;
  }
}

/**
 * Writes events in one transaction. Reads of members, purchases and event ids are answered from
 * what this writer knows (prefetched per batch, or written by it); writes are buffered and sent
 * as multi-row statements by close(), so a batch of 100 events costs a handful of round trips.
 */
export class Writer {
  private seq = 0;
  private readonly touched = new Map<
    string,
    { events: LedgerEvent[]; last_seq: number; state: HeldState | null }
  >();
  private readonly members = new Map<string, MemberRow | null>();
  private readonly purchases = new Map<string, string | null>();
  private readonly eventHashes = new Map<
    string,
    { hash: string; status: string; reason: string | null } | null
  >();
  private readonly cards = new Map<string, string | null>();
  /** Referral codes of this writer's new members. */
  private readonly codes = new Set<string>();
  /** Whether a referral code is taken by a stored member (prefetched). */
  private readonly storedCodes = new Map<string, boolean>();
  /** Phone numbers of this writer's new members. */
  private readonly newPhones = new Set<string>();
  /** Whether a phone number is a stored member's (prefetched). */
  private readonly storedPhones = new Map<string, boolean>();
  /** Phone hashes of this writer's new members. */
  private readonly newPhoneHashes = new Set<string>();
  /** Whether a phone hash is a stored member's (asked once each). */
  private readonly storedPhoneHashes = new Map<string, boolean>();
  /** Stored members whose details this writer changed (member_updated), written by close(). */
  private readonly updated = new Set<string>();
  private readonly pending: Pending = {
    members: [],
    events: [],
    purchases: [],
    conflicts: [],
  };

  private constructor(
    private readonly ctx: LedgerContext,
    readonly tx: Queryable,
  ) {}

  /** Opens a writer in a transaction: takes the sequence lock first. */
  static async open(ctx: LedgerContext, tx: Queryable): Promise<Writer> {
    const writer = new Writer(ctx, tx);
    const row = await tx.get<{ value: number }>(
      `UPDATE counters SET value = value WHERE name = 'server_seq' RETURNING value`,
    );
    writer.seq = Number(row?.value ?? 0);
    return writer;
  }

  /** Reads, in one query each, what a batch of events will ask about. */
  async prefetch(ids: {
    events?: string[];
    members?: string[];
    purchases?: string[];
    cards?: string[];
    codes?: string[];
    phones?: string[];
  }): Promise<void> {
    const fresh = (list: string[] | undefined, known: Map<string, unknown>): string[] =>
      [...new Set(list ?? [])].filter((x) => !known.has(x));
    for (const chunk of chunks(fresh(ids.events, this.eventHashes))) {
      for (const id of chunk) this.eventHashes.set(id, null);
      const rows = await this.tx.all<{
        event_id: string;
        hash: string;
        status: string;
        reason: string | null;
      }>(
        `SELECT event_id, hash, status, reason FROM events WHERE event_id IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows)
        this.eventHashes.set(r.event_id, { hash: r.hash, status: r.status, reason: r.reason });
    }
    for (const chunk of chunks(fresh(ids.cards, this.cards))) {
      for (const c of chunk) this.cards.set(c, null);
      const rows = await this.tx.all<MemberRow>(
        `SELECT ${MEMBER_ROW} FROM members WHERE card_number IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows) {
        this.cards.set(r.card_number, r.member_id);
        this.members.set(r.member_id, r);
      }
    }
    await this.prefetchTaken('referral_code', fresh(ids.codes, this.storedCodes), this.storedCodes);
    await this.prefetchTaken('phone', fresh(ids.phones, this.storedPhones), this.storedPhones);
    for (const chunk of chunks(fresh(ids.members, this.members))) {
      for (const id of chunk) this.members.set(id, null);
      const rows = await this.tx.all<MemberRow>(
        `SELECT ${MEMBER_ROW} FROM members WHERE member_id IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows) this.members.set(r.member_id, r);
    }
    for (const chunk of chunks(fresh(ids.purchases, this.purchases))) {
      for (const id of chunk) this.purchases.set(id, null);
      const rows = await this.tx.all<{ purchase_id: string; member_id: string }>(
        `SELECT purchase_id, member_id FROM purchases WHERE purchase_id IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows) this.purchases.set(r.purchase_id, r.member_id);
    }
    // Events of the members not in the cache, in one query.
    const missing = [...this.members.values()].filter(
      (r): r is MemberRow =>
        r !== null &&
        !this.touched.has(r.member_id) &&
        this.ctx.cache.get(r.member_id, Number(r.last_seq)) === undefined,
    );
    for (const chunk of chunks(missing.map((r) => r.member_id))) {
      const rows = await this.tx.all<{ member_id: string; body: string }>(
        `SELECT member_id, body FROM events WHERE member_id IN (${marks(chunk.length)}) AND status = 'applied' ORDER BY server_seq`,
        chunk,
      );
      const byMember = new Map<string, LedgerEvent[]>(chunk.map((id) => [id, []]));
      for (const r of rows) byMember.get(r.member_id)?.push(JSON.parse(r.body) as LedgerEvent);
      for (const [id, events] of byMember)
        this.ctx.cache.set(id, events, Number((this.members.get(id) as MemberRow).last_seq));
    }
  }

  /** Whether each value is a stored member's referral code or phone, into `taken`. */
  private async prefetchTaken(
    column: 'referral_code' | 'phone' | 'phone_hash',
    values: string[],
    taken: Map<string, boolean>,
  ): Promise<void> {
    for (const chunk of chunks(values)) {
      for (const value of chunk) taken.set(value, false);
      const rows = await this.tx.all<Record<typeof column, string>>(
        `SELECT ${column} FROM members WHERE ${column} IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows) taken.set(r[column], true);
    }
  }

  async member(memberId: string): Promise<MemberRow | undefined> {
    if (!this.members.has(memberId))
      this.members.set(memberId, (await memberRow(this.tx, memberId)) ?? null);
    return this.members.get(memberId) ?? undefined;
  }

  async memberByCard(card: string): Promise<MemberRow | undefined> {
    if (!this.cards.has(card)) await this.prefetch({ cards: [card] });
    const id = this.cards.get(card);
    return id ? this.member(id) : undefined;
  }

  /** What is stored under an event id (its hash and verdict), or null. */
  async stored(
    eventId: string,
  ): Promise<{ hash: string; status: string; reason: string | null } | null> {
    if (!this.eventHashes.has(eventId)) await this.prefetch({ events: [eventId] });
    return this.eventHashes.get(eventId) ?? null;
  }

  /** The member a purchase belongs to, or null. */
  async purchaseOwner(purchaseId: string): Promise<string | null> {
    if (!this.purchases.has(purchaseId)) await this.prefetch({ purchases: [purchaseId] });
    return this.purchases.get(purchaseId) ?? null;
  }

  /** True when a card number or referral code is taken (stored, or written by this writer). */
  async cardOrCodeTaken(card: string, code: string): Promise<boolean> {
    if ((await this.memberByCard(card)) || this.codes.has(code)) return true;
    if (!this.storedCodes.has(code)) await this.prefetch({ codes: [code] });
    return this.storedCodes.get(code) === true;
  }

  /** True when a phone number is a member's (stored, or new in this writer). */
  async phoneTaken(phone: string): Promise<boolean> {
    if (this.newPhones.has(phone)) return true;
    if (!this.storedPhones.has(phone)) await this.prefetch({ phones: [phone] });
    return this.storedPhones.get(phone) === true;
  }

  /**
   * True when a phone hash is a member's (stored, or new in this writer). A kiosk sends only the
   * hash of the number, so a number a kiosk enrolled is known to the endpoint by its hash alone.
   */
  async phoneHashTaken(hash: string): Promise<boolean> {
    if (this.newPhoneHashes.has(hash)) return true;
    if (!this.storedPhoneHashes.has(hash))
      await this.prefetchTaken('phone_hash', [hash], this.storedPhoneHashes);
    return this.storedPhoneHashes.get(hash) === true;
  }

  insertMember(
    row: Omit<MemberRow, 'pin_failures' | 'pin_locked_until_ms' | 'last_seq'>,
  ): MemberRow {
    const full: MemberRow = { ...row, pin_failures: 0, pin_locked_until_ms: 0, last_seq: 0 };
    this.members.set(full.member_id, full);
    this.cards.set(full.card_number, full.member_id);
    this.codes.add(full.referral_code);
    if (full.phone !== null) this.newPhones.add(full.phone);
    if (full.phone_hash !== null) this.newPhoneHashes.add(full.phone_hash);
    this.pending.members.push(full);
    return full;
  }

  /**
   * Changes a member's details (a member_updated the ledger applies): the row this writer holds
   * at once, the database's row when the writer closes. The caller has checked that a new phone
   * number (or hash) is no other member's.
   */
  updateMember(row: MemberRow, changes: MemberChanges): void {
    Object.assign(row, changes);
    if (changes.phone) this.newPhones.add(changes.phone);
    if (changes.phone_hash) this.newPhoneHashes.add(changes.phone_hash);
    // A member this writer inserted is written with its changes by the INSERT.
    if (!this.pending.members.includes(row)) this.updated.add(row.member_id);
  }

  /** The member's applied events including those this transaction appended. */
  async events(row: MemberRow): Promise<LedgerEvent[]> {
    const mine = this.touched.get(row.member_id);
    if (mine) return mine.events;
    if (
      Number(row.last_seq) === 0 &&
      this.pending.members.some((m) => m.member_id === row.member_id)
    )
      return [];
    return loadEvents(this.ctx, this.tx, row);
  }

  async state(row: MemberRow, asOf: number): Promise<MemberState> {
    return replay(row.member_id, await this.events(row), this.ctx.programs.programs(), asOf);
  }

  /**
   * Stores an event. Applied events join the member's ledger: the rules re-check the till's
   * numbers (disagreements are flagged, never rewritten), conflicts go to the manager's list, and
   * the server records the referrer's credit or its reversal.
   */
  async append(
    event: EventEnvelope,
    status: 'applied' | 'rejected',
    reason: RejectReason | string | null = null,
    /** The event as the device sent it, when the server resolved its member (a card number). */
    body: string = JSON.stringify(event),
    /** What the server did otherwise than the event says (kept with it, sent back on the ack). */
    noted: readonly Disagreement[] = [],
  ): Promise<Appended> {
    const now = this.ctx.now();
    const serverSeq = (this.seq += 1);
    const flags: Disagreement[] = [...noted];
    const row = status === 'applied' ? await this.member(event.member_id) : undefined;
    const prior = row ? await this.events(row) : [];
    const at = parseInstant(event.occurred_at);
    const programs = this.ctx.programs.programs();
    // Usually the event comes after every event of the member (in time, not only in arrival):
    // then the member's held state (as of its latest event) is advanced to it.
    const held = row ? this.takeState(row, programs) : null;
    const current = held !== null && held.as_of < at ? held : null;
    if (current) advance(current, programs, at);
    let before: MemberState | undefined;
    if (row && (event.type === 'purchase_recorded' || event.type === 'purchase_refunded')) {
      before = current ?? (await this.state(row, at));
      const program = programs.version(event.program_version);
      flags.push(
        ...(event.type === 'purchase_recorded'
          ? checkPurchase(before, program, event, at)
          : checkRefund(before, program, event, at)),
      );
    }
    this.pending.events.push([
      serverSeq,
      event.event_id,
      event.device_id,
      event.seq,
      event.type,
      event.member_id,
      event.store_id,
      event.occurred_at,
      body,
      event.hash,
      status,
      reason,
      flags.length > 0 ? JSON.stringify(flags) : null,
      new Date(now).toISOString(),
    ]);
    this.eventHashes.set(event.event_id, { hash: event.hash, status, reason });
    if (status === 'rejected') {
      // A member's key is their latest stored event, whatever its verdict (MEMBER_ROW).
      const mine = this.touched.get(event.member_id);
      if (mine) mine.last_seq = serverSeq;
    }
    if (status === 'applied' && row) {
      const firstPurchase = before?.purchase_count === 0;
      const referralBack =
        before && event.type === 'purchase_refunded'
          ? this.referralReversed(before, event, at)
          : false;
      // The state after the event, when the one before it is known and no event of the member
      // is dated at or after it (a held state that was not current was later than it).
      const base =
        current ??
        (held === null && before && prior.every((e) => parseInstant(e.occurred_at) < at)
          ? before
          : null);
      if (base) apply(base, programs, event, at);
      // The events array is this writer's own after the member's first event in it (the cache's
      // array is copied, since this transaction may roll back).
      const mine = this.touched.get(row.member_id);
      const events = mine ? mine.events : [...prior];
      events.push(event);
      this.touched.set(row.member_id, {
        events,
        last_seq: serverSeq,
        state: base ? { state: base, programs } : null,
      });
      row.last_seq = serverSeq;
      if (event.type === 'purchase_recorded') {
        this.purchases.set(event.payload.purchase_id, row.member_id);
        this.pending.purchases.push([
          event.payload.purchase_id,
          row.member_id,
          event.store_id,
          event.event_id,
        ]);
      }
      if (mayConflict(event)) this.recordConflicts(row, events, event, base, Math.max(now, at));
      await this.referral(row, event, at, firstPurchase, referralBack);
    }
    return { server_seq: serverSeq, status, flags };
  }

  /**
   * The member's state held by this writer or the cache (taken: whoever takes it advances it),
   * or null when there is none or it was made under other program versions.
   */
  private takeState(row: MemberRow, programs: Programs): MemberState | null {
    const mine = this.touched.get(row.member_id);
    let held: HeldState | null;
    if (mine) {
      held = mine.state;
      mine.state = null;
    } else {
      held = this.ctx.cache.takeState(row.member_id, Number(row.last_seq));
    }
    return held && held.programs === programs ? held.state : null;
  }

  /**
   * Conflicts the member's ledger shows with this event in it. In the usual case (the event is
   * the member's latest) the state after it is known already instead of replayed.
   */
  private recordConflicts(
    row: MemberRow,
    events: LedgerEvent[],
    event: EventEnvelope,
    after: MemberState | null,
    asOf: number,
  ): void {
    const programs = this.ctx.programs.programs();
    const state = after ?? replay(row.member_id, events, programs, asOf);
    for (const c of state.conflicts) {
      this.pending.conflicts.push([
        c.event_id,
        c.kind,
        row.member_id,
        event.store_id,
        c.points,
        c.detail,
        new Date(this.ctx.now()).toISOString(),
      ]);
    }
  }

  private referralReversed(
    before: MemberState,
    event: EventEnvelope & { type: 'purchase_refunded' },
    at: number,
  ): boolean {
    const p = event.payload;
    const program = this.ctx.programs.programs().version(event.program_version);
    const figures = refundFigures(before, program, refundInputOf(p), at);
    return figures.ok && figures.value.referral_reversed > 0;
  }

  /** The referrer's points at the referee's first purchase, and their reversal. */
  private async referral(
    row: MemberRow,
    event: EventEnvelope,
    at: number,
    firstPurchase: boolean,
    reversed: boolean,
  ): Promise<void> {
    if (!row.referred_by) return;
    const isFirst = event.type === 'purchase_recorded' && firstPurchase;
    if (!isFirst && !reversed) return;
    const referrer = await this.member(row.referred_by);
    const program = this.ctx.programs.programs().version(event.program_version);
    if (!referrer || !program.referral.enabled) return;
    const payload = {
      referee_id: row.member_id,
      purchase_id: (event.payload as { purchase_id: string }).purchase_id,
      points: program.referral.referrer_points,
    };
    await this.serverEvent(
      event.store_id,
      isFirst ? 'referral_rewarded' : 'referral_reversed',
      referrer.member_id,
      at,
      null,
      payload,
    );
  }

  /** Records an event the server itself makes, on the store's server chain. */
  async serverEvent<T extends EventType>(
    storeId: string,
    type: T,
    memberId: string,
    at: number,
    staffId: string | null,
    payload: Payload<T>,
  ): Promise<EventEnvelope> {
    const deviceId = `server-${storeId}`;
    await this.tx.run(
      `INSERT INTO devices (device_id, store_id, role, name, last_seq, last_hash, created_at) VALUES (?, ?, 'server', ?, 0, ?, ?)
       ON CONFLICT (device_id) DO NOTHING`,
      [
        deviceId,
        storeId,
        `server chain of ${storeId}`,
        GENESIS_HASH,
        new Date(this.ctx.now()).toISOString(),
      ],
    );
    const chain = await this.tx.get<{ last_seq: number; last_hash: string }>(
      `SELECT last_seq, last_hash FROM devices WHERE device_id = ?`,
      [deviceId],
    );
    const program = this.ctx.programs.programs().at(at);
    const unsigned = {
      event_id: uuidv7(),
      device_id: deviceId,
      seq: Number(chain?.last_seq ?? 0) + 1,
      type,
      occurred_at: formatInstant(program.time_zone, at),
      store_id: storeId,
      staff_id: staffId,
      member_id: memberId,
      program_version: program.version,
      payload,
      prev_hash: chain?.last_hash ?? GENESIS_HASH,
    };
    const event = {
      ...unsigned,
      hash: hashEnvelope(unsigned as unknown as EventEnvelope),
    } as unknown as EventEnvelope;
    await this.tx.run(`UPDATE devices SET last_seq = ?, last_hash = ? WHERE device_id = ?`, [
      event.seq,
      event.hash,
      deviceId,
    ]);
    await this.append(event, 'applied');
    return event;
  }

  /** Sends the buffered rows and the counter; call last, inside the transaction. */
  async close(): Promise<void> {
    const p = this.pending;
    for (const chunk of chunks(p.members, 50)) {
      await this.tx.run(
        `INSERT INTO members (${MEMBER_COLUMNS.join(', ')}) VALUES ${rowMarks(chunk.length, MEMBER_COLUMNS.length)}`,
        chunk.flatMap((m) => MEMBER_COLUMNS.map((c) => m[c])),
      );
    }
    for (const chunk of chunks(p.events, 100)) {
      await this.tx.run(
        `INSERT INTO events ${EVENT_COLUMNS} VALUES ${rowMarks(chunk.length, 14)}`,
        chunk.flat(),
      );
    }
    for (const chunk of chunks(p.purchases, 200)) {
      await this.tx.run(
        `INSERT INTO purchases (purchase_id, member_id, store_id, event_id) VALUES ${rowMarks(chunk.length, 4)}`,
        chunk.flat(),
      );
    }
    for (const chunk of chunks(p.conflicts, 100)) {
      await this.tx.run(
        `INSERT INTO conflicts (event_id, kind, member_id, store_id, points, detail, created_at) VALUES ${rowMarks(chunk.length, 7)} ON CONFLICT (event_id, kind) DO NOTHING`,
        chunk.flat(),
      );
    }
    for (const id of this.updated) {
      const m = this.members.get(id);
      if (!m) continue;
      await this.tx.run(
        `UPDATE members SET name = ?, phone = ?, phone_hash = ?, birthday = ? WHERE member_id = ?`,
        [m.name, m.phone, m.phone_hash, m.birthday, id],
      );
    }
    await this.tx.run(`UPDATE counters SET value = ? WHERE name = 'server_seq'`, [this.seq]);
  }

  /** After commit: the members this transaction touched are current in the cache. */
  committed(): void {
    for (const [memberId, m] of this.touched)
      this.ctx.cache.set(memberId, m.events, m.last_seq, m.state);
  }

  /**
   * After a rollback: the cache forgets every member this writer read. What it loaded inside the
   * transaction went into the cache keyed by the transaction's own latest event, and a rollback
   * hands that server_seq out again: a later event of the member could match the key of events
   * the database no longer holds.
   */
  abandoned(): void {
    for (const memberId of this.members.keys()) this.ctx.cache.forget(memberId);
  }
}

function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const markTexts: string[] = [];

/** "?, ?, ?" for n placeholders (the same few lengths come back: remembered). */
function marks(n: number): string {
  let text = markTexts[n];
  if (text === undefined) {
    text = Array.from({ length: n }, () => '?').join(', ');
    if (n <= 1_000) markTexts[n] = text;
  }
  return text;
}

const rowTexts = new Map<string, string>();

/** "(?, ?), (?, ?)" for `rows` rows of `width` placeholders, remembered like marks(). */
function rowMarks(rows: number, width: number): string {
  const key = `${rows}x${width}`;
  let text = rowTexts.get(key);
  if (text === undefined) {
    const row = `(${marks(width)})`;
    text = Array.from({ length: rows }, () => row).join(', ');
    if (rowTexts.size < 1_000) rowTexts.set(key, text);
  }
  return text;
}

/** Runs `fn` with a Writer in one transaction; the cache learns the result only after commit. */
export async function withWriter<T>(ctx: LedgerContext, fn: (w: Writer) => Promise<T>): Promise<T> {
  let writer: Writer | undefined;
  let result: T;
  try {
    result = await ctx.db.transaction(async (tx) => {
      writer = await Writer.open(ctx, tx);
      const value = await fn(writer);
      await writer.close();
      return value;
    });
  } catch (error) {
    writer?.abandoned();
    throw error;
  }
  writer?.committed();
  return result;
}
