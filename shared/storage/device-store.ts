/**
 * What a device keeps and how it writes: pairing, recording events into the outbox (one
 * transaction, hashed into the device chain inside it), members as the server sent them, and
 * the view the cashier sees: the server's events plus this device's not yet confirmed ones.
 */
import Dexie from 'dexie';
import {
  GENESIS_HASH,
  hasNul,
  NUL_REFUSED,
  parseEnvelope,
  phoneHashOf,
  signEventSync,
  uuidv7,
  type EventEnvelope,
  type UnsignedEvent,
} from '../protocol';
import {
  DEFAULT_PROGRAM,
  formatInstant,
  parseInstant,
  parseStoredProgram,
  phoneWritings,
  programHistory,
  replay,
  type EventType,
  type LedgerEvent,
  type MemberState,
  type Payload,
  type Program,
  type Programs,
} from '../rules';
import type { DeviceDb } from './schema';
import {
  DeviceRowSchema,
  OwnEventRowSchema,
  StorageError,
  SyncRowSchema,
  checkRow,
  type DeviceRow,
  type MemberRow,
  type OwnEventRow,
  type SyncRow,
} from './schema';

export interface Pairing {
  readonly device_id: string;
  readonly token: string;
  readonly store_id: string;
  readonly role: 'cashier' | 'kiosk';
  readonly program: unknown;
  readonly phone_key: string;
  readonly staff: readonly { staff_id: string; name: string; role: string; pin_hash: string }[];
  /** The endpoint's ledger (absent from endpoints older than decision 0029). */
  readonly ledger_id?: string;
  /**
   * For a device paired again: the seq of the last event of its former identity that this
   * ledger holds. Absent when the ledger is not the one it synced with (nor a restored copy).
   */
  readonly previous?: { readonly device_id: string; readonly held_seq: number };
}

/** The body of POST /devices/pair: the code, and the identity this device had, if any. */
export interface PairRequest {
  readonly pairing_code: string;
  readonly previous?: { readonly device_id: string; readonly ledger_id: string | null };
}

/**
 * What this device sends to pair with `code`. A device paired before names its identity and
 * the ledger it last synced with, so that the endpoint can say what of its chain it holds.
 */
export async function pairingRequest(db: DeviceDb, code: string): Promise<PairRequest> {
  const before = await db.device.get('self');
  const pairing_code = code.trim();
  if (!before) return { pairing_code };
  const sync = await syncStateOf(db);
  return { pairing_code, previous: { device_id: before.device_id, ledger_id: sync.ledger_id } };
}

export function initialSync(): SyncRow {
  return {
    id: 'sync',
    cursor: 0,
    program_version: 0,
    last_success_at: null,
    last_attempt_at: null,
    attempt: 0,
    backoff_until: 0,
    offline_since: null,
    paused: null,
    last_error: null,
    clock_offset_ms: 0,
    lease_owner: null,
    lease_until: 0,
    ledger_id: null,
    restored: null,
  };
}

/**
 * The endpoint's base URL from what a person typed: spaces and trailing slashes dropped, and the
 * API's own path (`npm start` prints `http://127.0.0.1:8787/api/v1` too) taken as the endpoint.
 */
export function endpointBase(typed: string): string {
  return typed
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api\/v1$/, '');
}

/**
 * Stores a pairing: a new device identity starts a new chain and a new cursor.
 *
 * A till paired again (its token revoked, "pair it again") keeps what it recorded and has not
 * synced: those events are signed again into the new identity's chain, in their order, under
 * new event ids (should one of them have reached the endpoint under the old identity with its
 * answer lost, the endpoint finds the copy by its purchase, refund or member id). Events the
 * endpoint confirmed are dropped from the outbox (the new cursor pulls them back), except those
 * the ledger says it no longer holds (`pairing.previous`: it was restored from a backup taken
 * before them): those go again like the unsynced ones, and `restored` counts them (decision
 * 0029). Rejected ones stay listed, under negative keys, so that the new chain's seq numbers are
 * free. The members' snapshots are dropped and pulled again (a device paired again after the
 * endpoint was restored follows it this way; one not paired again follows it by itself:
 * pull.ts, decision 0027).
 */
export async function savePairing(
  db: DeviceDb,
  endpoint: string,
  pairing: Pairing,
  now: number = Date.now(),
): Promise<void> {
  const program = parseStoredProgram(pairing.program);
  await db.transaction('rw', [db.device, db.sync, db.programs, db.outbox, db.members], async () => {
    const before = await db.device.get('self');
    const again = before !== undefined && before.device_id !== pairing.device_id;
    let seq = again ? 0 : (before?.seq ?? 0);
    let prev = again ? GENESIS_HASH : (before?.last_hash ?? GENESIS_HASH);
    // Confirmed events after this seq of the former chain are not in the ledger any more.
    const held =
      again && pairing.previous?.device_id === before.device_id ? pairing.previous.held_seq : null;
    let resent = 0;
    if (again) {
      const rows = await db.outbox.orderBy('seq').toArray();
      await db.outbox.clear();
      const kept: OwnEventRow[] = [];
      let archived = Math.min(0, rows[0]?.seq ?? 0); // rows are in seq order
      for (const row of rows) {
        const lost = row.status === 'synced' && held !== null && row.seq > held;
        if (row.status === 'rejected') {
          archived -= 1;
          kept.push({ ...row, seq: archived });
        } else if (row.status === 'pending' || lost) {
          if (lost) resent += 1;
          seq += 1;
          const event = signAgain(row.event, {
            event_id: uuidv7(),
            device_id: pairing.device_id,
            seq,
            prev_hash: prev,
          });
          prev = event.hash;
          kept.push({
            ...row,
            seq,
            event_id: event.event_id,
            event,
            status: 'pending',
            reason: null,
            message: null,
            flags: null,
          });
        }
      }
      await db.outbox.bulkAdd(kept);
      // The members as the endpoint sent them are pulled again from the start (the new cursor is
      // 0): an endpoint restored from a backup numbers its events anew, and a snapshot kept from
      // before would skip them (and keep events the endpoint no longer has).
      await db.members.clear();
    }
    await db.device.put({
      id: 'self',
      device_id: pairing.device_id,
      store_id: pairing.store_id,
      role: pairing.role,
      endpoint: endpointBase(endpoint),
      token: pairing.token,
      phone_key: pairing.phone_key,
      seq,
      last_hash: prev,
      staff: [...pairing.staff],
    });
    // The version in force now, until the first sync: that sync asks from version 0, so it brings
    // every published version with the instant it took effect. Old events then replay under the
    // versions they were made under (as on the endpoint), and a phone number stored under an
    // earlier phone rule is still found. (It asked from the paired version, and a device paired
    // after a change of the program took the version in force as in force forever.)
    await db.sync.put({
      ...initialSync(),
      program_version: 0,
      // Paired once more before its first sync, it still says what the first pairing sent again.
      restored: resent > 0 ? { at: now, resent } : ((await db.sync.get('sync'))?.restored ?? null),
    });
    await db.programs.put({ version: program.version, definition: program, effective_from: 0 });
  });
}

/**
 * An event of this device signed again with some of its chain fields changed (a new place in
 * the chain, a new identity): the event as it was, less its hash, hashed anew.
 */
export function signAgain(
  event: EventEnvelope,
  changes: { seq: number; prev_hash: string; event_id?: string; device_id?: string },
): EventEnvelope {
  const rest: Record<string, unknown> = { ...event };
  delete rest.hash;
  return signEventSync({ ...rest, ...changes } as unknown as UnsignedEvent);
}

export async function deviceOf(db: DeviceDb): Promise<DeviceRow> {
  const row = await db.device.get('self');
  if (!row) throw new StorageError('not_paired', 'this device is not paired with an endpoint yet');
  return checkRow(DeviceRowSchema, row, 'device identity');
}

export async function syncStateOf(db: DeviceDb): Promise<SyncRow> {
  const row = await db.sync.get('sync');
  return row ? checkRow(SyncRowSchema, row, 'sync state') : initialSync();
}

/** The program versions this device holds (the default program before the first pairing). */
export async function programsOf(db: DeviceDb): Promise<Programs> {
  const rows = await db.programs.orderBy('version').toArray();
  if (rows.length === 0) return programHistory([{ program: DEFAULT_PROGRAM, effective_from: 0 }]);
  return programHistory(
    rows.map((r) => ({
      program: parseStoredProgram(r.definition),
      effective_from: r.effective_from,
    })),
  );
}

/**
 * A phone number as typed, written every way the program's versions write it (rules
 * `phoneWritings`): first the way the program in force now writes it, which events carry and
 * members are found by the hash of, as on the endpoint (one number, one member); then the ways
 * earlier versions wrote it (a member enrolled before the shop changed its phone rule keeps
 * that hash).
 */
export async function phoneWritingsOf(db: DeviceDb, typed: string): Promise<string[]> {
  return phoneWritings(typed, await programsOf(db), await correctedNow(db));
}

/** The keyed hashes a member may be found by, of a phone number as typed (phoneWritingsOf). */
export async function phoneHashesAsWritten(
  db: DeviceDb,
  phoneKey: string,
  typed: string,
): Promise<string[]> {
  return (await phoneWritingsOf(db, typed)).map((w) => phoneHashOf(phoneKey, w));
}

/** Offsets under this are clock noise; above it the device clock is wrong and is corrected. */
const CLOCK_TOLERANCE_MS = 2 * 60_000;

/**
 * The time to record and display at: the device clock, corrected by the offset learned from
 * the server's clock at the last sync when the device clock is off by more than two minutes.
 */
export async function correctedNow(db: DeviceDb, raw: number = Date.now()): Promise<number> {
  const offset = (await syncStateOf(db)).clock_offset_ms;
  return Math.abs(offset) > CLOCK_TOLERANCE_MS ? raw + offset : raw;
}

export interface Draft<T extends EventType = EventType> {
  readonly type: T;
  readonly member_id: string;
  readonly payload: Payload<T>;
  readonly staff_id: string | null;
  /** Defaults to `now` (take it from correctedNow). */
  readonly occurred_at?: number;
}

/**
 * Records events: each gets the next seq and is chained to the previous hash, and the outbox
 * rows and the device's chain head are written in one transaction (nothing else is awaited in
 * it: the hash is computed synchronously). Returns the envelopes. An event the endpoint would
 * refuse as malformed (the envelope schema) throws StorageError('invalid_event') and nothing of
 * the call is written.
 */
export async function recordEvents(
  db: DeviceDb,
  drafts: readonly Draft[],
  now: number,
  program: Program,
): Promise<EventEnvelope[]> {
  try {
    return await db.transaction('rw', [db.device, db.outbox], async () => {
      const device = await deviceOf(db);
      const out: EventEnvelope[] = [];
      let seq = device.seq;
      let prev = device.last_hash;
      const rows: OwnEventRow[] = [];
      for (const d of drafts) {
        seq += 1;
        const unsigned = {
          event_id: uuidv7(),
          device_id: device.device_id,
          seq,
          type: d.type,
          occurred_at: formatInstant(program.time_zone, d.occurred_at ?? now),
          store_id: device.store_id,
          staff_id: d.staff_id,
          member_id: d.member_id,
          program_version: program.version,
          payload: d.payload,
          prev_hash: prev,
        };
        const event = signEventSync(unsigned as unknown as UnsignedEvent);
        // What the endpoint would refuse as malformed (its schema, or U+0000 in any text) is not
        // recorded at all: once pushed, a refused enrollment would leave a member that exists
        // on this device only.
        const checked = parseEnvelope(event);
        let issue: string | null = null;
        if (!checked.ok) {
          const first = checked.issues[0];
          issue = `${first?.path ?? ''}: ${first?.message ?? 'invalid'}`;
        } else if (hasNul(event)) {
          issue = NUL_REFUSED;
        }
        if (issue !== null)
          throw new StorageError('invalid_event', `${d.type} not recorded: ${issue}`);
        prev = event.hash;
        out.push(event);
        rows.push({
          seq,
          event_id: event.event_id,
          member_id: d.member_id,
          status: 'pending',
          reason: null,
          message: null,
          flags: null,
          event,
          recorded_at: now,
        });
      }
      await db.outbox.bulkAdd(rows);
      await db.device.update('self', { seq, last_hash: prev });
      return out;
    });
  } catch (error) {
    throw storageFailure(error);
  }
}

/** Quota and eviction are states the UI shows, not crashes. */
export function storageFailure(error: unknown): unknown {
  const name = (error as { name?: string; inner?: { name?: string } } | null)?.name;
  const inner = (error as { inner?: { name?: string } } | null)?.inner?.name;
  if (
    name === 'QuotaExceededError' ||
    inner === 'QuotaExceededError' ||
    error instanceof Dexie.QuotaExceededError
  ) {
    return new StorageError('quota_exceeded', 'the device storage is full: sync, then free space');
  }
  return error;
}

export async function pendingEvents(db: DeviceDb, limit: number): Promise<OwnEventRow[]> {
  const rows = await db.outbox.where('status').equals('pending').sortBy('seq');
  return rows
    .slice(0, limit)
    .map((r) => checkRow(OwnEventRowSchema, r, 'outbox entry') as unknown as OwnEventRow);
}

export async function rejectedEvents(db: DeviceDb): Promise<OwnEventRow[]> {
  return db.outbox.where('status').equals('rejected').sortBy('seq');
}

export async function outboxCount(db: DeviceDb): Promise<number> {
  return db.outbox.where('status').equals('pending').count();
}

export async function memberRow(
  db: DeviceDb,
  key: { member_id?: string; card_number?: string; phone_hash?: string; referral_code?: string },
): Promise<MemberRow | undefined> {
  if (key.member_id) return db.members.get(key.member_id);
  if (key.card_number) return db.members.where('card_number').equals(key.card_number).first();
  if (key.phone_hash) return db.members.where('phone_hash').equals(key.phone_hash).first();
  if (key.referral_code)
    return db.members.where('referral_code').equals(key.referral_code.toUpperCase()).first();
  return undefined;
}

/**
 * The member with one of these phone hashes (the first that has one wins): one this device gave
 * the number to and has not had confirmed back yet, one the endpoint sent, or one enrolled here
 * not sent back yet. The outbox is read once for all the hashes.
 */
export async function memberByPhoneHash(
  db: DeviceDb,
  hashes: readonly string[],
): Promise<string | null> {
  const rows = await db.outbox.where('status').notEqual('rejected').sortBy('seq');
  // Latest last: a later update of the same number wins.
  const changed = new Map<string, string>();
  const enrolled = new Map<string, string>();
  for (const r of rows) {
    const e = r.event;
    if (e.type === 'member_updated' && e.payload.phone_hash)
      changed.set(e.payload.phone_hash, r.member_id);
    if (e.type === 'member_enrolled' && e.payload.phone_hash && !enrolled.has(e.payload.phone_hash))
      enrolled.set(e.payload.phone_hash, r.member_id);
  }
  for (const hash of hashes) {
    const found =
      changed.get(hash) ??
      (await memberRow(db, { phone_hash: hash }))?.member_id ??
      enrolled.get(hash);
    if (found) return found;
  }
  return null;
}

/** A member this device enrolled that the endpoint has not sent back yet (the outbox knows). */
export async function ownEnrollment(
  db: DeviceDb,
  match: (p: Payload<'member_enrolled'>) => boolean,
): Promise<string | null> {
  const rows = await db.outbox.where('status').notEqual('rejected').toArray();
  const hit = rows.find((r) => r.event.type === 'member_enrolled' && match(r.event.payload));
  return hit ? hit.member_id : null;
}

/**
 * A member's events as this device knows them: the server's, plus this device's own that the
 * server has not confirmed back yet (pending, or synced but not pulled yet). Rejected events
 * are left out: they are shown as rejected, not counted.
 */
export async function memberEvents(db: DeviceDb, memberId: string): Promise<LedgerEvent[]> {
  const [row, own] = await Promise.all([
    db.members.get(memberId),
    db.outbox.where('member_id').equals(memberId).toArray(),
  ]);
  const server = row?.events ?? [];
  const known = new Set(server.map((e) => e.event_id));
  const mine = own
    .filter((o) => o.status !== 'rejected' && !known.has(o.event_id))
    .map((o) => o.event as unknown as LedgerEvent);
  return mine.length === 0 ? server : [...server, ...mine];
}

/** A member's name as their latest enrollment or update of it says (null: none given). */
export function nameFromEvents(events: readonly LedgerEvent[]): string | null {
  let name: string | null = null;
  for (const e of events) {
    if (e.type === 'member_enrolled') name = e.payload.name;
    else if (e.type === 'member_updated' && e.payload.name !== undefined) name = e.payload.name;
  }
  return name;
}

/** The member's state for display: server snapshot + this device's unsynced events. */
export async function memberStateOf(
  db: DeviceDb,
  memberId: string,
  at: number,
): Promise<MemberState> {
  const [events, programs] = await Promise.all([memberEvents(db, memberId), programsOf(db)]);
  return replay(memberId, events, programs, at);
}

/**
 * While the device cannot reach the endpoint: since when, and the points this member redeemed
 * on this device since then (for the offline redemption caps). Null when online.
 */
export async function offlineContext(
  db: DeviceDb,
  memberId: string,
): Promise<{ since: number; redeemed_by_member: number } | null> {
  const sync = await syncStateOf(db);
  if (sync.offline_since === null) return null;
  const since = sync.offline_since;
  const own = await db.outbox.where('member_id').equals(memberId).toArray();
  let redeemed = 0;
  for (const o of own) {
    const e = o.event;
    if (
      o.status !== 'rejected' &&
      e.type === 'purchase_recorded' &&
      parseInstant(e.occurred_at) >= since - 5 * 60_000
    )
      redeemed += e.payload.points_redeemed;
  }
  return { since, redeemed_by_member: redeemed };
}

export interface CheckoutContext {
  readonly now: number;
  readonly device: DeviceRow;
  readonly program: Program;
  readonly state: MemberState;
  readonly offline: { since: number; redeemed_by_member: number } | null;
}

/**
 * Everything a checkout reads, in one read transaction (a till quotes at every keystroke):
 * the device, the sync state, the program versions, the member's events and this device's
 * own events for the member.
 */
export async function checkoutContext(
  db: DeviceDb,
  memberId: string,
  rawNow: number,
): Promise<CheckoutContext> {
  const read = await db.transaction(
    'r',
    [db.device, db.sync, db.programs, db.members, db.outbox],
    async () => ({
      device: await deviceOf(db),
      sync: await syncStateOf(db),
      programs: await programsOf(db),
      row: await db.members.get(memberId),
      own: await db.outbox.where('member_id').equals(memberId).toArray(),
    }),
  );
  const offset = read.sync.clock_offset_ms;
  const now = Math.abs(offset) > CLOCK_TOLERANCE_MS ? rawNow + offset : rawNow;
  const server = read.row?.events ?? [];
  const known = new Set(server.map((e) => e.event_id));
  const mine = read.own
    .filter((o) => o.status !== 'rejected' && !known.has(o.event_id))
    .map((o) => o.event as unknown as LedgerEvent);
  const state = replay(
    memberId,
    mine.length === 0 ? server : [...server, ...mine],
    read.programs,
    now,
  );
  let offline: CheckoutContext['offline'] = null;
  if (read.sync.offline_since !== null) {
    const since = read.sync.offline_since;
    let redeemed = 0;
    for (const o of read.own) {
      const e = o.event;
      if (
        o.status !== 'rejected' &&
        e.type === 'purchase_recorded' &&
        parseInstant(e.occurred_at) >= since - 5 * 60_000
      )
        redeemed += e.payload.points_redeemed;
    }
    offline = { since, redeemed_by_member: redeemed };
  }
  return { now, device: read.device, program: read.programs.at(now), state, offline };
}
