/**
 * What the endpoint can check of a POST /sync request without the database: the JSON, the
 * request's shape, and for each event its chain fields, its schema and its own hash. Pure (text in,
 * plain data out), so it runs on a thread of its own (see prechecker.ts) while the main thread
 * writes the batches before it; its answer crosses threads as structured clone.
 */
import * as v from 'valibot';
import {
  canonicalJson,
  hasNul,
  NUL_REFUSED,
  parseEnvelope,
  SyncRequestSchema,
  type EventEnvelope,
  type SyncRequest,
} from '../shared/protocol';
import { hashOfCanonical } from './crypto';
import { invalidJson, type ApiError } from './errors';
import { invalidInput } from './validate';

/** The fields that place an event in its device's chain, checked before anything else. */
const ChainSchema = v.object({
  event_id: v.pipe(v.string(), v.uuid()),
  device_id: v.string(),
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  prev_hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
});

export type ChainFields = v.InferOutput<typeof ChainSchema>;

/** One pushed event, as far as it can be judged on its own. */
export interface CheckedEvent {
  /** The event's id as sent ('' when it has none). */
  readonly event_id: string;
  /** The chain fields, or null when they are malformed (then `issue` says how). */
  readonly chain: ChainFields | null;
  /** The hash matches the content (only computed when the chain fields are well formed). */
  readonly hashOk: boolean;
  /** The event as stored (JSON of the validated envelope), or null when it is not valid. */
  readonly body: string | null;
  /** Why the event is malformed ("path: message"), or null. */
  readonly issue: string | null;
  /** The event as sent (JSON), when it joins the chain but is malformed: it is kept as sent. */
  readonly sent: string | null;
}

/** Every id a batch will ask the database about, so that one query each answers them all. */
export interface BatchIds {
  readonly events: string[];
  readonly members: string[];
  readonly purchases: string[];
  readonly cards: string[];
  readonly codes: string[];
  readonly phones: string[];
}

export type PrecheckedSync =
  | {
      readonly ok: true;
      readonly request: Omit<SyncRequest, 'events'>;
      readonly events: CheckedEvent[];
      readonly ids: BatchIds;
    }
  | {
      readonly ok: false;
      /** An ApiError's parts: the answer is that error (400), nothing is written. */
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly details?: unknown;
    };

/** The request body of POST /sync, checked as far as it can be without the database. */
export function precheckSync(sent: string | Uint8Array): PrecheckedSync {
  const raw =
    typeof sent === 'string'
      ? sent
      : Buffer.from(sent.buffer, sent.byteOffset, sent.byteLength).toString('utf8');
  let body: unknown;
  try {
    body = raw.length === 0 ? {} : JSON.parse(raw);
  } catch {
    return refusal(invalidJson());
  }
  const parsed = v.safeParse(SyncRequestSchema, body);
  if (!parsed.success) return refusal(invalidInput(parsed.issues, 'sync request'));
  const { events: raws, ...request } = parsed.output;
  // JSON can carry U+0000 only escaped, so a body without that escape holds none.
  const mayHoldNul = raw.includes('\\u0000');
  const events = raws.map((item) => checkEvent(item, mayHoldNul));
  return { ok: true, request, events, ids: idsOf(raws) };
}

/** An error as plain data, to cross threads (the handler throws it again). */
function refusal(error: ApiError): PrecheckedSync {
  const { status, code, message, details } = error;
  return details === undefined
    ? { ok: false, status, code, message }
    : { ok: false, status, code, message, details };
}

function checkEvent(item: unknown, mayHoldNul: boolean): CheckedEvent {
  const rawId = (item as { event_id?: unknown } | null)?.event_id;
  const eventId = typeof rawId === 'string' ? rawId : '';
  try {
    // A valid envelope has valid chain fields (its schema checks them too): the chain's own
    // schema is run only to tell an event that joins the chain from one that cannot.
    const parsed = parseEnvelope(item);
    if (parsed.ok) {
      const e = parsed.event;
      const head = {
        event_id: e.event_id,
        device_id: e.device_id,
        seq: e.seq,
        prev_hash: e.prev_hash,
        hash: e.hash,
      };
      return judgeEvent(item, eventId, head, parsed, mayHoldNul);
    }
    const head = v.safeParse(ChainSchema, item);
    if (!head.success) {
      return unreadable(
        eventId,
        `the event's id, device, seq or hashes are malformed: ${head.issues[0]?.message ?? ''}`,
      );
    }
    return judgeEvent(item, eventId, head.output, parsed, mayHoldNul);
  } catch (error) {
    // JSON nested so deep that hashing or writing it overflows the stack: the event cannot be
    // verified, so it cannot join the chain either.
    if (error instanceof RangeError)
      return unreadable(eventId, 'the event is nested too deeply to be read');
    throw error;
  }
}

/** An event that is rejected before it joins the device's chain. */
function unreadable(eventId: string, issue: string): CheckedEvent {
  return { event_id: eventId, chain: null, hashOk: false, body: null, issue, sent: null };
}

function judgeEvent(
  item: unknown,
  eventId: string,
  head: ChainFields,
  parsed: ReturnType<typeof parseEnvelope>,
  mayHoldNul: boolean,
): CheckedEvent {
  const canonical = canonicalJson(item);
  const hashOk = hashOfCanonical(canonical) === head.hash;
  if (parsed.ok && !(mayHoldNul && hasNul(parsed.event))) {
    const body = storedText(canonical, parsed.event);
    return { event_id: eventId, chain: head, hashOk, body, issue: null, sent: null };
  }
  const first = parsed.ok ? null : parsed.issues[0];
  return {
    event_id: eventId,
    chain: head,
    hashOk,
    body: null,
    issue: parsed.ok ? NUL_REFUSED : `${first?.path ?? ''}: ${first?.message ?? 'invalid'}`,
    sent: JSON.stringify(item),
  };
}

/**
 * The text a valid event is stored as: its canonical JSON (made already for its hash: keys
 * sorted, no whitespace, the top-level hash left out) with the hash put back in its place, right
 * after event_id. A valid event is the event as sent (its schema transforms nothing and refuses
 * unknown keys), so this is the JSON of the whole envelope, and costs no second JSON.stringify.
 */
function storedText(canonical: string, event: EventEnvelope): string {
  const head = `{"device_id":${JSON.stringify(event.device_id)},"event_id":${JSON.stringify(event.event_id)}`;
  if (!canonical.startsWith(head) || canonical.charCodeAt(head.length) !== 44 /* , */)
    return JSON.stringify(event);
  return `${head},"hash":${JSON.stringify(event.hash)}${canonical.slice(head.length)}`;
}

/** A text the database can be asked about (U+0000 cannot even be sent to PostgreSQL). */
const askable = (x: unknown): x is string => typeof x === 'string' && !x.includes('\u0000');

function idsOf(raw: unknown[]): BatchIds {
  const ids: BatchIds = {
    events: [],
    members: [],
    purchases: [],
    cards: [],
    codes: [],
    phones: [],
  };
  for (const item of raw) {
    const e = item as {
      event_id?: unknown;
      member_id?: unknown;
      payload?: {
        purchase_id?: unknown;
        card_number?: unknown;
        referred_by?: unknown;
        referral_code?: unknown;
        phone?: unknown;
      };
    } | null;
    if (askable(e?.event_id)) ids.events.push(e.event_id);
    if (askable(e?.member_id)) {
      if (e.member_id.startsWith('card:')) ids.cards.push(e.member_id.slice(5));
      else ids.members.push(e.member_id);
    }
    const p = e?.payload;
    if (p && typeof p === 'object') {
      if (askable(p.purchase_id)) ids.purchases.push(p.purchase_id);
      if (askable(p.card_number)) ids.cards.push(p.card_number);
      if (askable(p.referred_by)) ids.members.push(p.referred_by);
      if (askable(p.referral_code)) ids.codes.push(p.referral_code);
      if (askable(p.phone)) ids.phones.push(p.phone);
    }
  }
  return ids;
}
