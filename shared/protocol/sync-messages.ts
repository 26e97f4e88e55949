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
  | 'conflicting_duplicate';

export interface Ack {
  readonly event_id: string;
  readonly status: AckStatus;
  readonly reason?: RejectReason;
  readonly message?: string;
  /** Numbers the server's re-check disagrees with (the event is kept as recorded). */
  readonly flags?: readonly { field: string; recorded: unknown; expected: unknown }[];
}
