/**
 * Sync messages (API.md "Sync"): one round trip pushes a batch of a device's events and pulls
 * the changes after its cursor. Business rejections are data (per-event acks), not HTTP errors.
 */
import * as v from 'valibot';

export const MAX_SYNC_BATCH = 500;

export const SyncRequestSchema = v.strictObject({
  protocol: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  device_id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  /** Validated one by one against EventEnvelopeSchema, so that one bad event is one rejection. */
  events: v.pipe(
    v.array(v.unknown()),
    v.maxLength(MAX_SYNC_BATCH, `at most ${MAX_SYNC_BATCH} events per sync`),
  ),
  /** The server sequence of the last change this device holds (0 = none). */
  cursor: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  /** The newest program version the device holds; newer ones come back in the response. */
  program_version: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  /** How many changes the device wants at most (the server may send fewer). */
  limit: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(5_000))),
});
export type SyncRequest = v.InferOutput<typeof SyncRequestSchema>;

export type AckStatus = 'applied' | 'duplicate' | 'rejected';

export type RejectReason =
  | 'invalid_event'
  | 'bad_hash'
  | 'seq_gap'
  | 'chain_broken'
  | 'wrong_device'
  | 'wrong_store'
  | 'forbidden_for_role'
  | 'occurred_in_future'
  | 'unknown_member'
  | 'unknown_purchase'
  | 'duplicate_purchase'
  | 'member_exists'
  | 'card_in_use'
  | 'conflicting_duplicate'
  /**
   * Not stored and not in the chain: the member or sale it names is not on a ledger restored
   * from a backup a short while ago, and another device may still send it again. The device
   * keeps the event pending and sends it again (decision 0030).
   */
  | 'awaiting_other_device';

/** One change of a pull: an applied event of the ledger, in server order. */
export interface Change {
  readonly server_seq: number;
  /** The member it belongs to (resolved by the server when a till recorded it by card number). */
  readonly member_id: string;
  readonly event: unknown;
}

export interface Ack {
  readonly event_id: string;
  readonly status: AckStatus;
  readonly reason?: RejectReason;
  readonly message?: string;
  /** Numbers the server's re-check disagrees with (the event is kept as recorded). */
  readonly flags?: readonly { field: string; recorded: unknown; expected: unknown }[];
}
