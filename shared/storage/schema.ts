/**
 * The device's IndexedDB database (Dexie): its tables, versions and the shapes of their rows.
 * Rows are checked with a runtime schema when read back (storage can be edited or corrupted
 * outside the app).
 */
import Dexie, { type Table } from 'dexie';
import * as v from 'valibot';
import type { LedgerEvent } from '../rules';
import type { EventEnvelope } from '../protocol';

export const DeviceRowSchema = v.object({
  id: v.literal('self'),
  device_id: v.string(),
  store_id: v.string(),
  role: v.picklist(['cashier', 'kiosk']),
  endpoint: v.string(),
  token: v.string(),
  phone_key: v.string(),
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  last_hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  staff: v.array(
    v.object({ staff_id: v.string(), name: v.string(), role: v.string(), pin_hash: v.string() }),
  ),
});
export type DeviceRow = v.InferOutput<typeof DeviceRowSchema>;

export const SyncRowSchema = v.object({
  id: v.literal('sync'),
  cursor: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  program_version: v.number(),
  last_success_at: v.nullable(v.number()),
  last_attempt_at: v.nullable(v.number()),
  attempt: v.number(),
  backoff_until: v.number(),
  offline_since: v.nullable(v.number()),
  paused: v.nullable(v.picklist(['unauthorized', 'forbidden'])),
  last_error: v.nullable(v.string()),
  clock_offset_ms: v.number(),
  lease_owner: v.nullable(v.string()),
  lease_until: v.number(),
  /** The endpoint's ledger this device last synced with (null before the first sync). */
  ledger_id: v.optional(v.nullable(v.string()), null),
  /** When this device last found the endpoint restored from a backup, and what it sent again. */
  restored: v.optional(v.nullable(v.object({ at: v.number(), resent: v.number() })), null),
});
export type SyncRow = v.InferOutput<typeof SyncRowSchema>;

export type OwnStatus = 'pending' | 'synced' | 'rejected';

/** An event this device recorded: the outbox while pending, the record of what it sent after. */
export interface OwnEventRow {
  seq: number;
  event_id: string;
  member_id: string;
  status: OwnStatus;
  reason: string | null;
  message: string | null;
  flags: unknown[] | null;
  event: EventEnvelope;
  recorded_at: number;
}

export const OwnEventRowSchema = v.object({
  /** The event's seq in the chain; negative for a rejected event of an earlier pairing. */
  seq: v.pipe(v.number(), v.safeInteger()),
  event_id: v.string(),
  member_id: v.string(),
  status: v.picklist(['pending', 'synced', 'rejected']),
  reason: v.nullable(v.string()),
  message: v.nullable(v.string()),
  flags: v.nullable(v.array(v.unknown())),
  event: v.looseObject({
    event_id: v.string(),
    seq: v.number(),
    type: v.string(),
    hash: v.string(),
  }),
  recorded_at: v.number(),
});

/** A member as the server last told this device: its applied events, in server order. */
export interface MemberRow {
  member_id: string;
  card_number: string;
  referral_code: string;
  phone_hash: string | null;
  name: string | null;
  events: LedgerEvent[];
  last_server_seq: number;
}

export interface ProgramRow {
  version: number;
  definition: unknown;
  effective_from: number;
}

export class DeviceDb extends Dexie {
  device!: Table<DeviceRow, string>;
  outbox!: Table<OwnEventRow, number>;
  members!: Table<MemberRow, string>;
  programs!: Table<ProgramRow, number>;
  sync!: Table<SyncRow, string>;

  constructor(
    name: string,
    options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {},
  ) {
    super(name, {
      chromeTransactionDurability: 'strict',
      ...(options.indexedDB
        ? { indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange }
        : {}),
    });
    // Version 1. A later version adds a `this.version(2).stores({...}).upgrade(tx => ...)` here
    // and a test that opens a version-1 database with data and checks it after the upgrade.
    this.version(1).stores({
      device: 'id',
      outbox: 'seq, &event_id, member_id, status',
      members: 'member_id, &card_number, phone_hash, referral_code',
      programs: 'version',
      sync: 'id',
    });
  }
}

export class StorageError extends Error {
  constructor(
    readonly code: 'not_paired' | 'corrupt_row' | 'quota_exceeded' | 'invalid_event',
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export function checkRow<S extends v.GenericSchema>(
  schema: S,
  row: unknown,
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, row);
  if (!result.success)
    throw new StorageError(
      'corrupt_row',
      `stored ${what} is damaged: ${result.issues[0]?.message ?? ''}`,
    );
  return result.output;
}
