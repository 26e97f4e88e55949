/**
 * The event envelope that travels between devices and the central endpoint (ARCHITECTURE.md,
 * "Data model"): the rules' event plus who recorded it and the per-device hash chain.
 */
import * as v from 'valibot';
import {
  EVENT_TYPES,
  INSTANT_RULE,
  PAYLOAD_SCHEMAS,
  isIsoInstant,
  type EventType,
  type LedgerEvent,
} from '../rules';

/** Bumped when a message's shape changes; the server answers an unknown one with 400. */
export const PROTOCOL_VERSION = 1;

const key = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'));
/** The hash a device's first event chains to. */
export const GENESIS_HASH = '0'.repeat(64);

const uuid = v.pipe(v.string(), v.uuid('must be a UUID'));

const envelopeEntries = {
  event_id: uuid,
  device_id: key,
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  occurred_at: v.pipe(v.string(), v.check(isIsoInstant, INSTANT_RULE)),
  store_id: key,
  staff_id: v.nullable(key),
  member_id: key,
  program_version: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  prev_hash: hex64,
  hash: hex64,
};

function variantOf<T extends EventType>(type: T) {
  return v.strictObject({
    ...envelopeEntries,
    type: v.literal(type),
    payload: PAYLOAD_SCHEMAS[type],
  });
}

const variants = EVENT_TYPES.map((t) => variantOf(t));

export const EventEnvelopeSchema = v.variant(
  'type',
  variants as unknown as [ReturnType<typeof variantOf<'member_enrolled'>>],
);

const schemaOfType = new Map<string, (typeof variants)[number]>(
  EVENT_TYPES.map((t, i) => [t, variants[i] as (typeof variants)[number]]),
);

/**
 * `v.safeParse(EventEnvelopeSchema, input)`, with the event type's schema picked by `type`:
 * valibot's variant tries the types one after another (about 6 us an event on the endpoint's
 * ingest profile, for 14 types). Without a known type it runs the variant itself, so the issues
 * are word for word the variant's.
 */
export function safeParseEnvelope(input: unknown): v.SafeParseResult<typeof EventEnvelopeSchema> {
  const type =
    typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  const schema = typeof type === 'string' ? schemaOfType.get(type) : undefined;
  if (schema === undefined) return v.safeParse(EventEnvelopeSchema, input);
  return v.safeParse(schema, input) as unknown as v.SafeParseResult<typeof EventEnvelopeSchema>;
}

/** An event on the wire and in a device's outbox. Its fields are a superset of LedgerEvent. */
export type EventEnvelope = LedgerEvent & {
  readonly staff_id: string | null;
  readonly prev_hash: string;
  readonly hash: string;
};

/** An envelope before it is hashed. */
export type UnsignedEvent = Omit<EventEnvelope, 'hash'>;

export interface EnvelopeIssue {
  readonly path: string;
  readonly message: string;
}

export function parseEnvelope(
  input: unknown,
): { ok: true; event: EventEnvelope } | { ok: false; issues: EnvelopeIssue[] } {
  const result = safeParseEnvelope(input);
  if (result.success) return { ok: true, event: result.output as unknown as EventEnvelope };
  return {
    ok: false,
    issues: result.issues.map((i) => ({ path: v.getDotPath(i) ?? '', message: i.message })),
  };
}

/**
 * True when a string anywhere in `value` (keys too) holds U+0000. PostgreSQL cannot store that
 * character in text, so the endpoint refuses it on every backend (a request, or an event), and
 * devices record no event holding it. Iterative: the body may be JSON
 * nested far too deep for recursion.
 */
export function hasNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string') {
      if (x.includes('\u0000')) return true;
    } else if (Array.isArray(x)) {
      for (const item of x) stack.push(item);
    } else if (typeof x === 'object' && x !== null) {
      for (const [k, item] of Object.entries(x)) {
        if (k.includes('\u0000')) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

export const NUL_REFUSED = 'text may not contain the NUL character (U+0000)';
