/**
 * Applying a sync response: the acks to the outbox, the changes to the members, newer program
 * versions, the staff list and the new cursor, all in one transaction, so a crash leaves either
 * all of it or none (the cursor never runs ahead of the changes it stands for).
 *
 * An endpoint restored from a backup (docs/decisions/0027) has lost what reached it after the
 * backup. The device finds out from the response: the ledger's identity changed (the restore
 * command gives it a new one), or the endpoint holds this device's chain only up to a seq
 * before events it had confirmed. Then the device's events after that seq are sent again (it
 * keeps every event it recorded), and its member snapshots are pulled again from cursor 0 (the
 * restored endpoint numbers its events anew from the backup's last).
 */
import { GENESIS_HASH, type Ack, type Change } from '../protocol';
import type { LedgerEvent } from '../rules';
import { parseStoredProgram } from '../rules';
import { signAgain, syncStateOf } from './device-store';
import type { DeviceDb, MemberRow, OwnEventRow } from './schema';

/** An event waiting for another device to send again what it names (decision 0030). */
const AWAITING = 'awaiting_other_device';

export interface SyncResponse {
  readonly acks: readonly Ack[];
  readonly changes: readonly Change[];
  readonly cursor: number;
  readonly more: boolean;
  readonly program_version: number;
  readonly programs: readonly { program: unknown; effective_from: string }[];
  readonly staff: readonly { staff_id: string; name: string; role: string; pin_hash: string }[];
  readonly server_time: string;
  /** The seq of this device's last event the endpoint holds (absent from older endpoints). */
  readonly device_seq?: number;
  /** The endpoint's ledger; it changes when the endpoint is restored from a backup. */
  readonly ledger_id?: string;
}

/** What applying a response did beyond the usual. */
export interface Applied {
  /** The endpoint was found restored from a backup: sync again from the start. */
  readonly restored: boolean;
  /** Records moved ahead of those waiting for another device (moveAheadOfWaiting): send them. */
  readonly moved: number;
}

export async function applySyncResponse(
  db: DeviceDb,
  response: SyncResponse,
  sentAt: number,
  receivedAt: number,
): Promise<Applied> {
  // Parse what needs parsing before the transaction (nothing is awaited inside it but Dexie).
  const programs = response.programs.map((p) => ({
    program: parseStoredProgram(p.program),
    effective_from: Date.parse(p.effective_from),
  }));
  const byMember = byMemberOf(response.changes);
  const serverTime = Date.parse(response.server_time);
  const offset = Number.isNaN(serverTime) ? 0 : Math.round(serverTime - (sentAt + receivedAt) / 2);

  return db.transaction(
    'rw',
    [db.outbox, db.members, db.programs, db.sync, db.device],
    async () => {
      // Read once: nothing below changes the sync row before it is written at the end.
      const sync = await syncStateOf(db);
      for (const ack of response.acks) {
        const row = await db.outbox.where('event_id').equals(ack.event_id).first();
        if (!row) continue;
        if (ack.status === 'rejected') {
          // A chain rejection (gap, broken chain, bad hash) is the device's fault to fix, and an
          // event waiting for another device after a restore is not refused yet: the event stays
          // pending so it goes again. A business rejection is final and shown.
          const retry =
            ack.reason === 'seq_gap' || ack.reason === 'chain_broken' || ack.reason === AWAITING;
          await db.outbox.update(row.seq, {
            status: retry ? 'pending' : 'rejected',
            reason: ack.reason ?? null,
            message: ack.message ?? null,
          });
        } else {
          await db.outbox.update(row.seq, {
            status: 'synced',
            reason: null,
            message: null,
            flags: ack.flags ? [...ack.flags] : null,
          });
        }
      }
      const resent = await followRestore(db, response, sync.ledger_id);
      const moved = await moveAheadOfWaiting(db, response.acks);
      if (resent !== null) {
        // The changes were pulled after a cursor from before the restore: the next round pulls
        // everything again from 0, into empty snapshots.
        await db.members.clear();
        byMember.clear();
      }
      await mergeChanges(db, byMember);
      for (const p of programs)
        await db.programs.put({
          version: p.program.version,
          definition: p.program,
          effective_from: p.effective_from,
        });
      // The store's staff as they are now: one who left no longer unlocks this till.
      await db.device.update('self', { staff: [...response.staff] });
      await db.sync.put({
        ...sync,
        cursor: resent === null ? response.cursor : 0,
        ledger_id: response.ledger_id ?? sync.ledger_id,
        restored: resent === null ? sync.restored : { at: receivedAt, resent },
        program_version: Math.max(
          sync.program_version,
          response.program_version,
          ...programs.map((p) => p.program.version),
        ),
        last_success_at: receivedAt,
        attempt: 0,
        backoff_until: 0,
        offline_since: null,
        paused: null,
        last_error: null,
        clock_offset_ms: offset,
      });
      return { restored: resent !== null, moved };
    },
  );
}

/** Changes grouped by member, in the order received. */
function byMemberOf(
  changes: readonly Change[],
): Map<string, { seq: number; event: LedgerEvent }[]> {
  const byMember = new Map<string, { seq: number; event: LedgerEvent }[]>();
  for (const c of changes) {
    const list = byMember.get(c.member_id) ?? [];
    list.push({ seq: c.server_seq, event: c.event as LedgerEvent });
    byMember.set(c.member_id, list);
  }
  return byMember;
}

/**
 * Adds pulled events to the members' snapshots (inside a transaction on db.members). An event
 * the snapshot has (by server_seq or by id) is skipped, so the same change may come twice: by a
 * pull, and by fetchMember before the pull reached it.
 */
async function mergeChanges(
  db: DeviceDb,
  byMember: ReadonlyMap<string, readonly { seq: number; event: LedgerEvent }[]>,
): Promise<void> {
  const ids = [...byMember.keys()];
  const existing = await db.members.bulkGet(ids);
  const rows: MemberRow[] = [];
  ids.forEach((id, i) => {
    const incoming = byMember.get(id) ?? [];
    const row: MemberRow = existing[i] ?? {
      member_id: id,
      card_number: `unknown:${id}`,
      referral_code: '',
      phone_hash: null,
      name: null,
      events: [],
      last_server_seq: 0,
    };
    const have = new Set(row.events.map((e) => e.event_id));
    const events = [...row.events];
    for (const { seq, event } of incoming) {
      if (seq <= row.last_server_seq || have.has(event.event_id)) continue;
      events.push(event);
      have.add(event.event_id);
      if (event.type === 'member_enrolled') {
        row.card_number = event.payload.card_number;
        row.referral_code = event.payload.referral_code;
        row.phone_hash = event.payload.phone_hash;
        row.name = event.payload.name;
      }
      if (event.type === 'member_updated') {
        if (event.payload.phone_hash !== undefined) row.phone_hash = event.payload.phone_hash;
        if (event.payload.name !== undefined) row.name = event.payload.name;
      }
    }
    rows.push({
      ...row,
      events,
      last_server_seq: Math.max(row.last_server_seq, ...incoming.map((x) => x.seq)),
    });
  });
  if (rows.length > 0) await db.members.bulkPut(rows);
}

/**
 * One member's events, fetched from the endpoint for a member this device has not pulled yet
 * (GET /sync/member): into the member's snapshot, as a pull would put them. The pull that
 * reaches them later skips them. Only from the ledger this device syncs with (or before its
 * first sync): a restored endpoint numbers its events anew, and its numbers mixed into the old
 * snapshots could make the pull that follows the restore skip events. Whether they were stored.
 */
export async function applyMemberChanges(
  db: DeviceDb,
  changes: readonly Change[],
  ledgerId: unknown,
): Promise<boolean> {
  const byMember = byMemberOf(changes);
  return db.transaction('rw', [db.members, db.sync], async () => {
    const known = (await syncStateOf(db)).ledger_id;
    if (known !== null && ledgerId !== known) return false;
    await mergeChanges(db, byMember);
    return true;
  });
}

/**
 * Whether the endpoint was restored from a backup (null: it was not), and if so, every event of
 * this device after the endpoint's end of its chain is made pending again, to be sent again in
 * order; returns how many were. Inside applySyncResponse's transaction, after the acks.
 */
async function followRestore(
  db: DeviceDb,
  response: SyncResponse,
  knownLedger: string | null,
): Promise<number | null> {
  const held = response.device_seq;
  const ledgerChanged =
    response.ledger_id !== undefined && knownLedger !== null && response.ledger_id !== knownLedger;
  // Only a restore loses an event the endpoint confirmed. The status index keeps a status's
  // rows in seq order, so the last confirmed one is a single read (a till catching up on a day
  // offline checks at every round).
  const confirmed =
    held === undefined ? undefined : await db.outbox.where('status').equals('synced').last();
  const lost = held !== undefined && confirmed !== undefined && confirmed.seq > held;
  if (!ledgerChanged && !lost) return null;
  const after = held === undefined ? [] : await db.outbox.where('seq').above(held).toArray();
  let resent = 0;
  for (const row of after) {
    if (row.status === 'pending') continue;
    resent += 1;
    await db.outbox.update(row.seq, {
      status: 'pending',
      reason: null,
      message: null,
      flags: null,
    });
  }
  return resent;
}

/**
 * After a restore, a record that names a member or sale another device has yet to send again
 * waits on this device (decision 0030), and the chain is in order: nothing recorded after it
 * could reach the endpoint. So the records after the first waiting one are signed again into
 * the chain in a new order: those of other members first, then the waiting members' own, in
 * their order (a member's records never pass each other). The endpoint never stored any of
 * them (a waiting record does not join the chain, and what follows it is refused as a gap), so
 * they keep their event ids. The waiting members' records all say why they wait. Inside
 * applySyncResponse's transaction; returns how many records moved ahead (0: nothing to send).
 */
async function moveAheadOfWaiting(db: DeviceDb, acks: readonly Ack[]): Promise<number> {
  const waitingIds = new Set<string>();
  for (const ack of acks)
    if (ack.status === 'rejected' && ack.reason === AWAITING) waitingIds.add(ack.event_id);
  if (waitingIds.size === 0) return 0;
  const pending = await db.outbox.where('status').equals('pending').toArray();
  // The waiting records: those just answered so, and those still waiting from an earlier round.
  const why = new Map<string, string | null>();
  let first = Number.POSITIVE_INFINITY;
  for (const row of pending) {
    if (!waitingIds.has(row.event_id) && row.reason !== AWAITING) continue;
    if (!why.has(row.member_id)) why.set(row.member_id, row.message);
    first = Math.min(first, row.seq);
  }
  if (first === Number.POSITIVE_INFINITY) return 0;
  const rows = pending.filter((r) => r.seq >= first).sort((a, b) => a.seq - b.seq);
  const ahead = rows.filter((r) => !why.has(r.member_id));
  const behind = rows.filter((r) => why.has(r.member_id));
  const device = await db.device.get('self');
  const before = first === 1 ? undefined : await db.outbox.get(first - 1);
  const prevHash = first === 1 ? GENESIS_HASH : before?.event.hash;
  // Every record from the first waiting one on must be here, and nothing else at the chain's
  // end; otherwise the chain is left as it is (it still goes in order).
  const last = rows[rows.length - 1] as OwnEventRow;
  if (
    prevHash === undefined ||
    device === undefined ||
    device.seq !== last.seq ||
    rows.length !== last.seq - first + 1
  )
    return 0;
  const reordered: OwnEventRow[] = [];
  let seq = first - 1;
  let prev = prevHash;
  for (const row of [...ahead, ...behind]) {
    seq += 1;
    const waits = why.has(row.member_id);
    let event = row.event;
    if (event.seq !== seq || event.prev_hash !== prev)
      event = signAgain(event, { seq, prev_hash: prev });
    prev = event.hash;
    reordered.push({
      ...row,
      seq,
      event,
      reason: waits ? AWAITING : null,
      message: waits ? (why.get(row.member_id) ?? row.message) : null,
    });
  }
  // Out, then in: each event id is unique among the rows, whatever seq it had before.
  await db.outbox.bulkDelete(rows.map((r) => r.seq));
  await db.outbox.bulkAdd(reordered);
  await db.device.update('self', { last_hash: prev });
  // The first record was a waiting one: any other member's record has moved ahead of it.
  return ahead.length;
}
