/**
 * What the owner reads from the shell (npm run admin -- conflicts | devices): the endpoint's
 * lists as text.
 */
import {
  conflictsOf,
  devicesOf,
  lastRestore,
  type ConflictRow,
  type DeviceReport,
} from './api-admin';
import type { AppContext } from './context';
import { memberRow } from './ledger';

/** Text columns, each as wide as its widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The conflicts list as a manager reads it: who, what, how many points, and the event. */
export async function conflictsText(
  ctx: AppContext,
  store: string | null,
  status: 'open' | 'all' = 'open',
): Promise<string> {
  const rows: readonly ConflictRow[] = await conflictsOf(ctx, store, status);
  const none = status === 'open' ? 'no open conflicts' : 'no conflicts';
  if (rows.length === 0) return store ? `${none} in store ${store}` : none;
  const lines = [
    `${rows.length} ${status === 'open' ? 'open ' : ''}conflict${rows.length === 1 ? '' : 's'}, newest first:`,
  ];
  for (const c of rows) {
    const m = await memberRow(ctx.db, c.member_id);
    const who = m ? `card ${m.card_number}${m.name ? ` (${m.name})` : ''}` : c.member_id;
    lines.push(
      `${c.created_at}  ${c.store_id}  ${c.kind}  ${c.points} points  ${who}`,
      `    ${c.detail}`,
      `    member ${c.member_id}, event ${c.event_id}`,
    );
    if (c.handled_at !== null)
      lines.push(`    handled ${c.handled_at}${c.handled_note ? `: ${c.handled_note}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * The devices as a table: a till that has not synced since yesterday, or has synced without
 * sending its sales, stands out.
 */
/** For two days after a restore, the line above the devices: who has not synced since. */
async function restoreText(ctx: AppContext): Promise<string> {
  const restored = await lastRestore(ctx);
  if (!restored?.catching_up) return '';
  const names = restored.not_synced_since.map((d) => d.name);
  return (
    `restored from a backup at ${restored.at}: ` +
    (names.length === 0
      ? 'every paired till and kiosk has synced since'
      : `not synced since: ${names.join(', ')} (their records come back when they sync)`) +
    '; pair again any till paired after the backup\n\n'
  );
}

export async function devicesText(ctx: AppContext, store: string | null): Promise<string> {
  const rows: readonly DeviceReport[] = await devicesOf(ctx, store);
  if (rows.length === 0) return store ? `no devices in store ${store}` : 'no devices';
  return (
    (await restoreText(ctx)) +
    table([
      ['store', 'role', 'name', 'paired', 'last sync', 'events', 'latest event received', 'device'],
      ...rows.map((d) => [
        d.store_id,
        d.role,
        d.name,
        d.revoked_at
          ? `revoked ${d.revoked_at}`
          : (d.paired_at ?? (d.pairing_open ? 'code out' : 'no')),
        d.last_sync_at ?? 'never',
        String(d.events),
        d.last_event_at ?? '-',
        d.device_id,
      ]),
    ])
  );
}
