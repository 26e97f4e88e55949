/** The sync client devices run (extension service worker and side panel, kiosk). */
export {
  SyncClient,
  backoffDelay,
  BACKOFF_MIN_MS,
  BACKOFF_MAX_MS,
  type Fetch,
  type FetchedMember,
  type SyncOptions,
  type SyncOutcome,
} from './client';
