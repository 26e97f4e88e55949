/** Device storage: the Dexie database, its rows, and the operations devices perform on it. */
export {
  DeviceDb,
  StorageError,
  type DeviceRow,
  type SyncRow,
  type OwnEventRow,
  type OwnStatus,
  type MemberRow,
  type ProgramRow,
} from './schema';
export {
  savePairing,
  deviceOf,
  syncStateOf,
  programsOf,
  recordEvents,
  correctedNow,
  pendingEvents,
  rejectedEvents,
  outboxCount,
  memberRow,
  ownEnrollment,
  memberEvents,
  memberStateOf,
  offlineContext,
  checkoutContext,
  type CheckoutContext,
  initialSync,
  storageFailure,
  type Draft,
  type Pairing,
} from './device-store';
export { applySyncResponse, type SyncResponse } from './pull';
