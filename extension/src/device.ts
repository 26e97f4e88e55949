/** The extension's one device database, shared by its pages and its service worker. */
import { DeviceDb } from '../../shared/storage';
import { SyncClient } from '../../shared/sync';

export const DB_NAME = 'loyalty-device';

let db: DeviceDb | undefined;
let client: SyncClient | undefined;

export function deviceDb(): DeviceDb {
  db ??= new DeviceDb(DB_NAME);
  return db;
}

export function syncClient(): SyncClient {
  client ??= new SyncClient(deviceDb());
  return client;
}
