/** What the cashier always sees: online or not, events waiting, last sync, rejections. */
import { outboxCount, rejectedEvents, syncStateOf, type DeviceDb } from '../../shared/storage';
import type { StatusReply } from './messages';

export async function statusOf(db: DeviceDb): Promise<StatusReply> {
  const paired = (await db.device.get('self')) !== undefined;
  const sync = await syncStateOf(db);
  return {
    paired,
    pending: await outboxCount(db),
    rejected: (await rejectedEvents(db)).length,
    last_success_at: sync.last_success_at,
    offline_since: sync.offline_since,
    paused: sync.paused,
    last_error: sync.last_error,
  };
}
