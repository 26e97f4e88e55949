/**
 * POST /sync: a device pushes a batch of its events and pulls the changes after its cursor, in
 * one round trip (ARCHITECTURE.md "Sync protocol", API.md "Sync").
 *
 * Each pushed event gets an ack. `duplicate`: already stored (same hash). `rejected` with a
 * reason: either the event cannot join the device's chain (bad hash, gap, broken chain: the
 * chain does not advance, the device must fix and resend) or it joins the chain but the server
 * refuses its business effect (wrong store, role, unknown member...): it is stored as rejected
 * and the chain advances, so one bad event never blocks the events after it.
 */
import {
  GENESIS_HASH,
  PROTOCOL_VERSION,
  type Ack,
  type Change,
  type EventEnvelope,
  type RejectReason,
} from '../shared/protocol';
import {
  isIsoInstant,
  parseInstant,
  type Disagreement,
  type EventType,
  type Payload,
} from '../shared/rules';
import { staffOf } from './api-admin';
import { RESTORE_CATCH_UP_MS, caller, restoredAt, type AppContext } from './context';
import { phoneHash } from './crypto';
import { ApiError, badRequest, forbidden } from './errors';
import type { Caller, Router } from './http';
import { withWriter, type MemberChanges, type MemberRow, type Writer } from './ledger';
import type { BatchIds, ChainFields, CheckedEvent } from './precheck';
import { FUTURE_SLACK_MS } from './validate';

const KIOSK_TYPES: ReadonlySet<EventType> = new Set([
  'member_enrolled',
  'member_updated',
  'feedback_given',
]);
const CASHIER_TYPES: ReadonlySet<EventType> = new Set([
  'member_enrolled',
  'member_updated',
  'purchase_recorded',
  'purchase_refunded',
  'coupon_used',
  'points_adjusted',
  'feedback_given',
  'membership_started',
  'membership_cancelled',
]);
const DEFAULT_PULL = 1_000;

interface Chain {
  seq: number;
  hash: string;
}

type Verdict =
  { status: 'applied' } | { status: 'rejected'; reason: RejectReason; message: string };

const reject = (reason: RejectReason, message: string): Verdict => ({
  status: 'rejected',
  reason,
  message,
});

export function syncRoutes(router: Router, ctx: AppContext): void {
  /** Sync requests being handled: with others in flight, checking on a thread overlaps them. */
  let inFlight = 0;
  router.add({
    method: 'POST',
    path: '/sync',
    allow: ['device'],
    roles: ['cashier', 'kiosk'],
    maxBody: 8 * 1024 * 1024,
    rawBody: true,
    handler: async (req) => {
      inFlight += 1;
      try {
        return await sync(ctx, caller(req.caller), req.body as Buffer, inFlight > 1);
      } finally {
        inFlight -= 1;
      }
    },
  });
}

async function sync(
  ctx: AppContext,
  who: Caller,
  raw: Buffer,
  busy: boolean,
): Promise<{ status: number; body: unknown }> {
  const checked = await ctx.prechecker.check(raw, busy);
  if (!checked.ok)
    throw new ApiError(checked.status, checked.code, checked.message, checked.details);
  const body = checked.request;
  if (body.protocol !== PROTOCOL_VERSION) {
    throw badRequest(
      `protocol ${body.protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`,
    );
  }
  if (body.device_id !== who.device_id) throw forbidden('device_id does not match the token');
  await ctx.programs.refresh(ctx.db);
  // When the device last synced, for the owner's list of devices (npm run admin -- devices).
  const syncedAt = new Date(ctx.now()).toISOString();
  let acks: Ack[] = [];
  let deviceSeq: number;
  if (checked.events.length > 0) {
    const pushed = await push(ctx, who, checked.events, checked.ids, syncedAt);
    acks = pushed.acks;
    deviceSeq = pushed.seq;
  } else {
    const device = await ctx.db.get<{ last_seq: number }>(
      `UPDATE devices SET last_sync_at = ? WHERE device_id = ? RETURNING last_seq`,
      [syncedAt, who.device_id],
    );
    if (!device) throw forbidden('this device is no longer registered');
    deviceSeq = Number(device.last_seq);
  }
  const pulled = await pull(ctx, who, body.cursor, body.limit ?? DEFAULT_PULL);
  const programVersion = ctx.programs.current().version;
  return {
    status: 200,
    body: {
      acks,
      changes: pulled.changes,
      cursor: pulled.cursor,
      more: pulled.more,
      program_version: programVersion,
      programs:
        body.program_version !== undefined && body.program_version < programVersion
          ? ctx.programs
              .newerThan(body.program_version)
              .map((p) => ({ ...p, effective_from: new Date(p.effective_from).toISOString() }))
          : [],
      staff: who.role === 'cashier' && who.store_id ? await staffOf(ctx, who.store_id) : [],
      server_time: new Date(ctx.now()).toISOString(),
      // Where the device's chain ends here, and which ledger this is: a device that finds the
      // ledger restored sends again what comes after (docs/decisions/0027).
      device_seq: deviceSeq,
      ledger_id: ctx.ledgerId,
    },
  };
}

async function push(
  ctx: AppContext,
  who: Caller,
  checked: readonly CheckedEvent[],
  ids: BatchIds,
  syncedAt: string,
): Promise<{ acks: Ack[]; seq: number }> {
  // The JSON, schemas and hashes were checked before (on a precheck thread): on PostgreSQL
  // event-writing transactions run one at a time (the server_seq lock), and on SQLite the one
  // connection writes for everyone, so the work done in here is what limits ingest.
  return withWriter(ctx, async (w) => {
    const device = await w.tx.get<{ last_seq: number; last_hash: string }>(
      `SELECT last_seq, last_hash FROM devices WHERE device_id = ?`,
      [who.device_id],
    );
    if (!device) throw forbidden('this device is no longer registered');
    const chain: Chain = { seq: Number(device.last_seq), hash: device.last_hash || GENESIS_HASH };
    await w.prefetch(ids);
    const acks: Ack[] = [];
    for (const item of checked) acks.push(await pushOne(ctx, w, who, chain, item));
    await w.tx.run(
      `UPDATE devices SET last_seq = ?, last_hash = ?, last_sync_at = ? WHERE device_id = ?`,
      [chain.seq, chain.hash, syncedAt, who.device_id],
    );
    return { acks, seq: chain.seq };
  });
}

async function pushOne(
  ctx: AppContext,
  w: Writer,
  who: Caller,
  chain: Chain,
  checked: CheckedEvent,
): Promise<Ack> {
  const h = checked.chain;
  if (h === null) {
    return {
      event_id: checked.event_id,
      status: 'rejected',
      reason: 'invalid_event',
      message: checked.issue ?? 'malformed event',
    };
  }
  if (h.device_id !== who.device_id)
    return {
      event_id: h.event_id,
      status: 'rejected',
      reason: 'wrong_device',
      message: `event of device ${h.device_id} pushed by ${who.device_id ?? '?'}`,
    };
  const existing = await w.stored(h.event_id);
  if (existing !== null) {
    // The same event again (a lost response, a retried push): the same verdict as the first time.
    if (existing.hash === h.hash && existing.status === 'rejected') {
      return {
        event_id: h.event_id,
        status: 'rejected',
        reason: (existing.reason ?? 'invalid_event') as RejectReason,
        message: 'rejected when first received',
      };
    }
    return existing.hash === h.hash
      ? { event_id: h.event_id, status: 'duplicate' }
      : {
          event_id: h.event_id,
          status: 'rejected',
          reason: 'conflicting_duplicate',
          message: 'an event with this id and other content is stored',
        };
  }
  if (h.seq !== chain.seq + 1) {
    return {
      event_id: h.event_id,
      status: 'rejected',
      reason: 'seq_gap',
      message: `expected seq ${chain.seq + 1}, got ${h.seq}`,
    };
  }
  if (h.prev_hash !== chain.hash)
    return {
      event_id: h.event_id,
      status: 'rejected',
      reason: 'chain_broken',
      message: 'prev_hash is not the hash of the previous event',
    };
  if (!checked.hashOk)
    return {
      event_id: h.event_id,
      status: 'rejected',
      reason: 'bad_hash',
      message: 'the hash does not match the event',
    };

  let verdict: Verdict;
  let event: EventEnvelope;
  if (checked.body === null) {
    verdict = reject('invalid_event', checked.issue ?? 'invalid');
    event = sanitize(JSON.parse(checked.sent ?? 'null') as unknown, h);
  } else {
    event = JSON.parse(checked.body) as EventEnvelope;
    verdict = await judge(ctx, w, who, event);
    // Soon after a restore, the member or sale may be one another device has yet to send again:
    // the event waits on the device (it does not join the chain) instead of being refused.
    if (
      verdict.status === 'rejected' &&
      (verdict.reason === 'unknown_member' || verdict.reason === 'unknown_purchase') &&
      (await catchingUp(ctx, w))
    )
      return {
        event_id: h.event_id,
        status: 'rejected',
        reason: 'awaiting_other_device',
        message: `${verdict.message}: the endpoint was restored from a backup, and another device may still send it again; this event goes again at the next sync`,
      };
  }
  // The event joins the chain from here on, whatever its business verdict.
  chain.seq = h.seq;
  chain.hash = h.hash;
  const memberId = verdict.status === 'applied' ? await resolveMember(w, event) : event.member_id;
  const stored =
    memberId === event.member_id ? event : ({ ...event, member_id: memberId } as EventEnvelope);
  let noted: Disagreement[] = [];
  if (verdict.status === 'applied' && event.type === 'member_enrolled')
    noted = await enroll(ctx, w, who, event);
  if (verdict.status === 'applied' && event.type === 'member_updated') {
    const row = await w.member(memberId);
    if (row) noted = await updateDetails(ctx, w, row, event.payload, who.role === 'kiosk');
  }
  const result = await w.append(
    stored,
    verdict.status,
    verdict.status === 'rejected' ? verdict.reason : null,
    checked.body ?? JSON.stringify(event),
    noted,
  );
  if (verdict.status === 'rejected')
    return {
      event_id: h.event_id,
      status: 'rejected',
      reason: verdict.reason,
      message: verdict.message,
    };
  return result.flags.length > 0
    ? { event_id: h.event_id, status: 'applied', flags: result.flags }
    : { event_id: h.event_id, status: 'applied' };
}

/** An event whose payload failed validation is kept as sent, under safe column values. */
function sanitize(item: unknown, h: ChainFields): EventEnvelope {
  const o = (item ?? {}) as Record<string, unknown>;
  const text = (x: unknown, fallback: string): string =>
    typeof x === 'string' && x.length <= 200 && !x.includes('\u0000') ? x : fallback;
  return {
    ...(o as object),
    event_id: h.event_id,
    device_id: h.device_id,
    seq: h.seq,
    type: text(o.type, 'invalid'),
    member_id: text(o.member_id, 'unknown'),
    store_id: text(o.store_id, 'unknown'),
    occurred_at:
      typeof o.occurred_at === 'string' && isIsoInstant(o.occurred_at)
        ? o.occurred_at
        : new Date(0).toISOString(),
  } as unknown as EventEnvelope;
}

/** Whether the ledger was restored from a backup less than RESTORE_CATCH_UP_MS ago. */
async function catchingUp(ctx: AppContext, w: Writer): Promise<boolean> {
  const at = await restoredAt(w.tx);
  return at !== null && ctx.now() - at < RESTORE_CATCH_UP_MS;
}

async function resolveMember(w: Writer, event: EventEnvelope): Promise<string> {
  if (!event.member_id.startsWith('card:')) return event.member_id;
  const row = await w.memberByCard(event.member_id.slice(5));
  return row?.member_id ?? event.member_id;
}

async function judge(
  ctx: AppContext,
  w: Writer,
  who: Caller,
  event: EventEnvelope,
): Promise<Verdict> {
  if (event.store_id !== who.store_id)
    return reject(
      'wrong_store',
      `this device writes for store ${who.store_id ?? '?'}, not ${event.store_id}`,
    );
  const allowed = who.role === 'kiosk' ? KIOSK_TYPES : CASHIER_TYPES;
  if (!allowed.has(event.type))
    return reject('forbidden_for_role', `a ${who.role ?? '?'} device may not record ${event.type}`);
  if (parseInstant(event.occurred_at) > ctx.now() + FUTURE_SLACK_MS)
    return reject('occurred_in_future', 'occurred_at is more than 5 minutes ahead of the server');

  if (event.type === 'member_enrolled') {
    if (await w.member(event.member_id))
      return reject('member_exists', `member ${event.member_id} exists`);
    if (await w.cardOrCodeTaken(event.payload.card_number, event.payload.referral_code))
      return reject('card_in_use', 'the card number or referral code belongs to another member');
    return { status: 'applied' };
  }
  const memberId = await resolveMember(w, event);
  const row = await w.member(memberId);
  if (!row) return reject('unknown_member', `no member ${event.member_id}`);
  if (event.type === 'purchase_recorded') {
    if ((await w.purchaseOwner(event.payload.purchase_id)) !== null) {
      return reject(
        'duplicate_purchase',
        `purchase ${event.payload.purchase_id} is recorded already`,
      );
    }
  }
  if (event.type === 'purchase_refunded') {
    if ((await w.purchaseOwner(event.payload.purchase_id)) !== row.member_id)
      return reject('unknown_purchase', `no purchase ${event.payload.purchase_id} for this member`);
  }
  if (event.type === 'points_adjusted') {
    const manager = await w.tx.get(
      // A manager removed since still approved what they approved while on the staff.
      `SELECT 1 AS one FROM staff WHERE staff_id = ? AND store_id = ? AND role = 'manager' AND (removed_at_ms IS NULL OR removed_at_ms > ?)`,
      [event.payload.approved_by, event.store_id, parseInstant(event.occurred_at)],
    );
    if (!manager)
      return reject(
        'forbidden_for_role',
        'a point adjustment needs the approval of a manager of this store',
      );
  }
  return { status: 'applied' };
}

/**
 * Stores a new member. A phone number another member has (the same customer enrolled again
 * offline, at this till or another) is not kept for this one: the enrollment and the sales
 * recorded against it stand, the phone still finds the first member, and the ack flags it for
 * the manager. (Storing it broke the whole sync batch on the unique phone, again at every
 * retry: the till could not sync at all.)
 */
async function enroll(
  ctx: AppContext,
  w: Writer,
  who: Caller,
  event: EventEnvelope & { type: 'member_enrolled' },
): Promise<Disagreement[]> {
  const p = event.payload;
  // Stored the way the program writes it (a till of an older build may send +82 10 ...).
  // Taken when a member has it written any way a version of the program writes it (one enrolled
  // before the shop changed its phone rule keeps the old way), or has its hash (a member a kiosk
  // enrolled: the endpoint has only the hash of their number).
  const writings =
    who.role === 'kiosk' || p.phone === null ? [] : ctx.programs.phonesOf(p.phone, ctx.now());
  const phone = writings[0] ?? null;
  const hashes = phone !== null ? writings.map((x) => phoneHash(ctx.phoneKey, x)) : [];
  if (phone === null && p.phone_hash) hashes.push(p.phone_hash);
  const taken = await numberTaken(w, writings, hashes);
  const hash = taken ? null : (hashes[0] ?? null);
  let referredBy = p.referred_by;
  if (referredBy && (referredBy === event.member_id || !(await w.member(referredBy))))
    referredBy = null;
  w.insertMember({
    member_id: event.member_id,
    card_number: p.card_number,
    referral_code: p.referral_code,
    phone: taken ? null : phone,
    phone_hash: hash,
    name: p.name,
    birthday: p.birthday,
    pin_hash: p.pin_hash ?? null,
    referred_by: referredBy,
    store_id: event.store_id,
    consent: p.consent ? 1 : 0,
    enrolled_at: event.occurred_at,
  });
  if (!taken) return [];
  return phone !== null
    ? [{ field: 'payload.phone', recorded: p.phone, expected: null }]
    : [{ field: 'payload.phone_hash', recorded: p.phone_hash, expected: null }];
}

/** True when a member has one of these writings of a number, or one of its hashes. */
async function numberTaken(
  w: Writer,
  writings: readonly string[],
  hashes: readonly string[],
): Promise<boolean> {
  for (const written of writings) if (await w.phoneTaken(written)) return true;
  for (const hash of hashes) if (await w.phoneHashTaken(hash)) return true;
  return false;
}

/**
 * Applies a member_updated to the member's row: name and birthday as recorded; a new phone number
 * written the way the program writes it, with its hash, unless another member has it (written any
 * way a version of the program writes it, or by its hash): then the number is not kept and the
 * ack flags it, as for an enrollment. A kiosk sends only the hash of the number (its row then has
 * no number, only the hash). The event itself stands as recorded.
 */
export async function updateDetails(
  ctx: AppContext,
  w: Writer,
  row: MemberRow,
  p: Payload<'member_updated'>,
  kiosk: boolean,
): Promise<Disagreement[]> {
  const changes: MemberChanges = {};
  if (p.name !== undefined) changes.name = p.name;
  if (p.birthday !== undefined) changes.birthday = p.birthday;
  const flags: Disagreement[] = [];
  if (!kiosk && p.phone !== undefined) {
    if (p.phone === null) {
      changes.phone = null;
      changes.phone_hash = null;
    } else {
      const writings = ctx.programs.phonesOf(p.phone, ctx.now());
      const hashes = writings.map((x) => phoneHash(ctx.phoneKey, x));
      const own =
        (row.phone !== null && writings.includes(row.phone)) ||
        (row.phone_hash !== null && hashes.includes(row.phone_hash));
      if (!own) {
        if (await numberTaken(w, writings, hashes))
          flags.push({ field: 'payload.phone', recorded: p.phone, expected: null });
        else {
          changes.phone = writings[0] as string;
          changes.phone_hash = hashes[0] as string;
        }
      }
    }
  } else if (p.phone_hash !== undefined && p.phone_hash !== row.phone_hash) {
    if (p.phone_hash === null) {
      changes.phone = null;
      changes.phone_hash = null;
    } else if (await w.phoneHashTaken(p.phone_hash)) {
      flags.push({ field: 'payload.phone_hash', recorded: p.phone_hash, expected: null });
    } else {
      changes.phone = null;
      changes.phone_hash = p.phone_hash;
    }
  }
  w.updateMember(row, changes);
  return flags;
}

async function pull(
  ctx: AppContext,
  who: Caller,
  cursor: number,
  limit: number,
): Promise<{ changes: Change[]; cursor: number; more: boolean }> {
  const rows = await ctx.db.all<{
    server_seq: number;
    member_id: string;
    body: string;
    status: string;
  }>(
    `SELECT server_seq, member_id, body, status FROM events WHERE server_seq > ? ORDER BY server_seq LIMIT ?`,
    [cursor, limit + 1],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const changes: Change[] = [];
  for (const r of page) if (r.status === 'applied') changes.push(changeFor(who, r));
  const last = page[page.length - 1];
  return { changes, cursor: last ? Number(last.server_seq) : cursor, more };
}

/** A stored applied event as a device receives it (pulled, or fetched with its member). */
export function changeFor(
  who: Caller,
  r: { server_seq: number; member_id: string; body: string },
): Change {
  const event = JSON.parse(r.body) as EventEnvelope;
  return {
    server_seq: Number(r.server_seq),
    member_id: r.member_id,
    event: who.role === 'kiosk' ? maskForKiosk(withoutPin(event)) : withoutPin(event),
  };
}

/** A member's PIN hash stays on the endpoint: no device receives it. */
function withoutPin(event: EventEnvelope): EventEnvelope {
  if (event.type !== 'member_enrolled' || !event.payload.pin_hash) return event;
  return { ...event, payload: { ...event.payload, pin_hash: null } } as EventEnvelope;
}

/** A kiosk is a public device: it never receives a phone number or a full name. */
function maskForKiosk(event: EventEnvelope): EventEnvelope {
  if (event.type !== 'member_enrolled' && event.type !== 'member_updated') return event;
  const payload = { ...event.payload } as Record<string, unknown>;
  if ('phone' in payload) payload.phone = null;
  if (typeof payload.name === 'string')
    payload.name = payload.name.slice(0, 1) + '*'.repeat(Math.max(0, payload.name.length - 1));
  return { ...event, payload } as unknown as EventEnvelope;
}
