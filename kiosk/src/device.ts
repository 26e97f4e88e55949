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
  client ??= new SyncClient(deviceDb(), { timeoutMs: 15_000 });
  return client;
}
