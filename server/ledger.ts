/**
 * The only way events enter the central ledger, from a device's sync or from the REST API.
 *
 * A Writer lives for one database transaction. It first takes the `server_seq` counter row
 * (`UPDATE ... RETURNING`), which PostgreSQL keeps locked until commit: event-writing
 * transactions are serialized, so server sequence numbers become visible in order and a pull
 * cursor never skips an event that commits late. SQLite has one writer anyway.
 */
import {
  checkPurchase,
  checkRefund,
  formatInstant,
  parseInstant,
  refundFigures,
  replay,
  type Disagreement,
  type EventType,
  type LedgerEvent,
  type MemberState,
  type Payload,
} from '../shared/rules';
import {
  GENESIS_HASH,
  canonicalJson,
  type EventEnvelope,
  type RejectReason,
} from '../shared/protocol';
import { createHash, randomUUID } from 'node:crypto';
import type { Database, Queryable } from './db/database';
import type { ProgramRegistry } from './programs';

export interface MemberRow {
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
  last_seq: number;
}

interface CachedMember {
  events: LedgerEvent[];
  last_seq: number;
}

/** Members' applied events, kept in memory (least recently used out first). */
export class MemberCache {
  private readonly map = new Map<string, CachedMember>();
  constructor(private readonly max = 50_000) {}

  get(memberId: string, lastSeq: number): LedgerEvent[] | undefined {
    const hit = this.map.get(memberId);
    if (!hit || hit.last_seq !== lastSeq) return undefined;
    this.map.delete(memberId);
    this.map.set(memberId, hit);
    return hit.events;
  }

  set(memberId: string, events: LedgerEvent[], lastSeq: number): void {
    this.map.delete(memberId);
    this.map.set(memberId, { events, last_seq: lastSeq });
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  clear(): void {
    this.map.clear();
  }
}

export interface LedgerContext {
  readonly db: Database;
  readonly programs: ProgramRegistry;
  readonly cache: MemberCache;
  readonly now: () => number;
}

export function hashEnvelope(event: Omit<EventEnvelope, 'hash'> | EventEnvelope): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

export async function memberRow(q: Queryable, memberId: string): Promise<MemberRow | undefined> {
  return q.get<MemberRow>(`SELECT * FROM members WHERE member_id = ?`, [memberId]);
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

export class Writer {
  private seq = 0;
  private readonly touched = new Map<string, { events: LedgerEvent[]; last_seq: number }>();

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

  async member(memberId: string): Promise<MemberRow | undefined> {
    return memberRow(this.tx, memberId);
  }

  /** The member's applied events including those this transaction appended. */
  async events(row: MemberRow): Promise<LedgerEvent[]> {
    const mine = this.touched.get(row.member_id);
    if (mine) return mine.events;
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
  ): Promise<Appended> {
    const now = this.ctx.now();
    const serverSeq = (this.seq += 1);
    let flags: Disagreement[] = [];
    const row = status === 'applied' ? await this.member(event.member_id) : undefined;
    // The member's events before this one (read before the insert below).
    const prior = row ? await this.events(row) : [];
    let stateBefore: MemberState | undefined;
    const at = parseInstant(event.occurred_at);
    if (row && (event.type === 'purchase_recorded' || event.type === 'purchase_refunded')) {
      stateBefore = await this.state(row, at);
      const program = this.ctx.programs.programs().version(event.program_version);
      flags =
        event.type === 'purchase_recorded'
          ? checkPurchase(stateBefore, program, event, at)
          : checkRefund(stateBefore, program, event, at);
    }
    await this.tx.run(
      `INSERT INTO events (server_seq, event_id, device_id, seq, type, member_id, store_id, occurred_at, body, hash, status, reason, flags, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
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
      ],
    );
    if (status === 'applied' && row) {
      const events = [...prior, event];
      this.touched.set(row.member_id, { events, last_seq: serverSeq });
      await this.tx.run(`UPDATE members SET last_seq = ? WHERE member_id = ?`, [
        serverSeq,
        row.member_id,
      ]);
      if (event.type === 'purchase_recorded') {
        await this.tx.run(
          `INSERT INTO purchases (purchase_id, member_id, store_id, event_id) VALUES (?, ?, ?, ?)`,
          [event.payload.purchase_id, row.member_id, event.store_id, event.event_id],
        );
      }
      await this.recordConflicts(row, events, Math.max(now, at), event.store_id);
      await this.referral(row, event, stateBefore, at);
    }
    return { server_seq: serverSeq, status, flags };
  }

  private async recordConflicts(
    row: MemberRow,
    events: LedgerEvent[],
    asOf: number,
    storeId: string,
  ): Promise<void> {
    const state = replay(row.member_id, events, this.ctx.programs.programs(), asOf);
    for (const c of state.conflicts) {
      await this.tx.run(
        `INSERT INTO conflicts (event_id, kind, member_id, store_id, points, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (event_id, kind) DO NOTHING`,
        [
          c.event_id,
          c.kind,
          row.member_id,
          storeId,
          c.points,
          c.detail,
          new Date(this.ctx.now()).toISOString(),
        ],
      );
    }
  }

  /** The referrer's 5,000 points at the referee's first purchase, and their reversal. */
  private async referral(
    row: MemberRow,
    event: EventEnvelope,
    before: MemberState | undefined,
    at: number,
  ): Promise<void> {
    if (!row.referred_by || !before) return;
    const referrer = await this.member(row.referred_by);
    if (!referrer) return;
    const program = this.ctx.programs.programs().version(event.program_version);
    if (!program.referral.enabled) return;
    if (event.type === 'purchase_recorded' && before.purchase_count === 0) {
      await this.serverEvent(event.store_id, 'referral_rewarded', referrer.member_id, at, null, {
        referee_id: row.member_id,
        purchase_id: event.payload.purchase_id,
        points: program.referral.referrer_points,
      });
    }
    if (event.type === 'purchase_refunded') {
      const p = event.payload;
      const figures = refundFigures(
        before,
        program,
        p.lines.length > 0
          ? { purchase_id: p.purchase_id, lines: p.lines, amount: p.amount }
          : { purchase_id: p.purchase_id, amount: p.amount },
        at,
      );
      if (figures.ok && figures.value.referral_reversed > 0) {
        await this.serverEvent(event.store_id, 'referral_reversed', referrer.member_id, at, null, {
          referee_id: row.member_id,
          purchase_id: p.purchase_id,
          points: program.referral.referrer_points,
        });
      }
    }
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
      event_id: randomUUID(),
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

  /** Writes the counter; call last, inside the transaction. */
  async close(): Promise<void> {
    await this.tx.run(`UPDATE counters SET value = ? WHERE name = 'server_seq'`, [this.seq]);
  }

  /** After commit: the members this transaction touched are current in the cache. */
  committed(): void {
    for (const [memberId, m] of this.touched) this.ctx.cache.set(memberId, m.events, m.last_seq);
  }
}

/** Runs `fn` with a Writer in one transaction; the cache learns the result only after commit. */
export async function withWriter<T>(ctx: LedgerContext, fn: (w: Writer) => Promise<T>): Promise<T> {
  let writer: Writer | undefined;
  const result = await ctx.db.transaction(async (tx) => {
    writer = await Writer.open(ctx, tx);
    const value = await fn(writer);
    await writer.close();
    return value;
  });
  writer?.committed();
  return result;
}
