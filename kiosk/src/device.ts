/** The kiosk's one device database and its sync client (the page runs both). */
import { DeviceDb } from '../../shared/storage';
import { SyncClient } from '../../shared/sync';

export const DB_NAME = 'loyalty-kiosk';

let db: DeviceDb | undefined;
let client: SyncClient | undefined;

export function deviceDb(): DeviceDb {
  db ??= new DeviceDb(DB_NAME);
  return db;
}

export function syncClient(): SyncClient {
  // A kiosk on a shop's Wi-Fi: give up on a silent request after 15 s and show "offline".
  // The lease owner survives a reload of the page, so a reload in the middle of a sync does
  // not hold syncing up until the old lease expires.
  let owner = sessionStorage.getItem('sync-owner');
  if (!owner) {
    owner = `kiosk-${crypto.randomUUID()}`;
    sessionStorage.setItem('sync-owner', owner);
  }
  client ??= new SyncClient(deviceDb(), { timeoutMs: 15_000, owner });
  return client;
}
