/** The protocol module: event envelope, hashing, sync message shapes. */
export {
  PROTOCOL_VERSION,
  GENESIS_HASH,
  EventEnvelopeSchema,
  parseEnvelope,
  safeParseEnvelope,
  hasNul,
  NUL_REFUSED,
  type EventEnvelope,
  type UnsignedEvent,
  type EnvelopeIssue,
} from './envelope';
export {
  canonicalJson,
  sha256Hex,
  hashEvent,
  hashEventSync,
  signEvent,
  signEventSync,
  verifyEvent,
} from './hash';
export { sha256HexSync } from './sha256';
export {
  SyncRequestSchema,
  MAX_SYNC_BATCH,
  type SyncRequest,
  type Ack,
  type AckStatus,
  type RejectReason,
  type Change,
} from './sync-messages';
export { uuidv7 } from './ids';
export { verifyPinHash, hashPinSync, phoneHashOf, normalizePhone } from './pin';
