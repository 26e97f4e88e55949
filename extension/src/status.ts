/** What the cashier always sees: online or not, events waiting, last sync, rejections. */
import {
  outboxCount,
  programsOf,
  rejectedEvents,
  syncStateOf,
  type DeviceDb,
} from '../../shared/storage';
import type { StatusReply } from './messages';

export async function statusOf(db: DeviceDb): Promise<StatusReply> {
  const device = await db.device.get('self');
  const sync = await syncStateOf(db);
  return {
    paired: device !== undefined,
    pending: await outboxCount(db),
    rejected: (await rejectedEvents(db)).length,
    last_success_at: sync.last_success_at,
    offline_since: sync.offline_since,
    paused: sync.paused,
    last_error: sync.last_error,
    restored: sync.restored,
    awaiting: await awaitingOf(db),
    staff_ids: device?.staff.map((s) => s.staff_id) ?? [],
    time_zone: (await programsOf(db)).latest().time_zone,
  };
}

async function awaitingOf(db: DeviceDb): Promise<StatusReply['awaiting']> {
  const rows = await db.outbox
    .where('status')
    .equals('pending')
    .filter((r) => r.reason === 'awaiting_other_device')
    .toArray();
  return { count: rows.length, message: rows[0]?.message ?? null };
}
