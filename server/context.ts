/** What every endpoint shares: the database, program versions, member cache, keys, limits. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database, Queryable } from './db/database';
import { ApiError, forbidden, notFound } from './errors';
import type { Caller } from './http';
import { RateLimiter } from './http';
import { MemberCache, memberRow, type LedgerContext, type MemberRow } from './ledger';
import { ProgramRegistry } from './programs';
import { defaultSyncThreads, Prechecker } from './prechecker';
import { sha256 } from './crypto';

export interface AppContext extends LedgerContext {
  /** Key of the phone-number hash that devices use to look members up without the number. */
  readonly phoneKey: string;
  readonly lookups: RateLimiter;
  readonly version: string;
  /** Checks sync batches (JSON, schemas, hashes) off the main thread. */
  readonly prechecker: Prechecker;
  /**
   * This ledger's identity, sent to devices at every sync. Restoring a backup gives the ledger a
   * new one (npm run admin -- restore), which tells each device to send again what the backup
   * lacks and pull its members afresh (docs/decisions/0027).
   */
  readonly ledgerId: string;
}

export const SERVER_VERSION = '0.1.0';

/** The meta key of the ledger's identity (AppContext.ledgerId). */
export const LEDGER_ID = 'ledger_id';

/** The meta key of the identities this ledger had before it was restored, oldest first. */
export const LEDGER_ANCESTORS = 'ledger_ancestors';
/** The meta key of when the ledger was last marked restored (milliseconds since the epoch). */
export const RESTORED_AT = 'restored_at';
/**
 * How long after a restore an event naming a member or a sale the ledger lacks waits for the
 * device that recorded it to send it again (decision 0030): two days, so that a till switched
 * off overnight has synced; after that such an event is refused as before, and the device lists
 * it, rather than holding back what the till sends after it for good.
 */
export const RESTORE_CATCH_UP_MS = 48 * 3_600_000;

/** When the ledger was last marked restored (ms), or null if it never was. */
export async function restoredAt(q: Queryable): Promise<number | null> {
  const at = Number(await readMeta(q, RESTORED_AT));
  return Number.isFinite(at) && at > 0 ? at : null;
}

/** Restores remembered (a device that last synced before more of them is not recognised). */
const MAX_ANCESTORS = 100;

/**
 * Gives the ledger a new identity: the database now holds a restored copy, and devices that
 * synced with the ledger before must find out (run while the endpoint is stopped). The identity
 * it had joins its ancestors, so a device paired again knows this is the ledger it synced with
 * (docs/decisions/0029).
 */
export async function renewLedgerId(q: Queryable, now: number = Date.now()): Promise<string> {
  const id = randomUUID();
  await writeMeta(q, RESTORED_AT, String(now));
  const before = await readMeta(q, LEDGER_ID);
  if (before !== null)
    await writeMeta(
      q,
      LEDGER_ANCESTORS,
      JSON.stringify([...(await ledgerAncestors(q)), before].slice(-MAX_ANCESTORS)),
    );
  await writeMeta(q, LEDGER_ID, id);
  return id;
}

/** The identities this ledger had before its restores, oldest first (none: never restored). */
export async function ledgerAncestors(q: Queryable): Promise<string[]> {
  const text = await readMeta(q, LEDGER_ANCESTORS);
  if (text === null) return [];
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** A value of the meta table, or null when it has none. */
export async function readMeta(q: Queryable, key: string): Promise<string | null> {
  return (
    (await q.get<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, [key]))?.value ?? null
  );
}

/** Sets a value of the meta table. */
export async function writeMeta(q: Queryable, key: string, value: string): Promise<void> {
  await q.run(
    `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [key, value],
  );
}

/** A value of the meta table, made once (a concurrent first start keeps whichever came first). */
async function meta(q: Queryable, key: string, make: () => string): Promise<string> {
  const found = await readMeta(q, key);
  if (found !== null) return found;
  await q.run(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, [
    key,
    make(),
  ]);
  return (await readMeta(q, key)) as string;
}

export async function createContext(
  db: Database,
  options: { now?: () => number; lookupsPerMinute?: number; syncThreads?: number } = {},
): Promise<AppContext> {
  const programs = new ProgramRegistry();
  await programs.load(db);
  const phoneKey = await meta(db, 'phone_key', () => randomBytes(32).toString('base64url'));
  const ledgerId = await meta(db, LEDGER_ID, randomUUID);
  return {
    db,
    programs,
    cache: new MemberCache(),
    now: options.now ?? Date.now,
    phoneKey,
    lookups: new RateLimiter(options.lookupsPerMinute ?? 60, 60_000),
    version: SERVER_VERSION,
    prechecker: Prechecker.shared(options.syncThreads ?? defaultSyncThreads()),
    ledgerId,
  };
}

export async function authenticate(db: Queryable, token: string): Promise<Caller | null> {
  if (token.length < 16 || token.length > 200) return null;
  const hash = sha256(token);
  const row = await db.get<{
    kind: Caller['kind'];
    name: string;
    device_id: string | null;
    store_id: string | null;
    role: Caller['role'];
  }>(
    `SELECT kind, name, device_id, store_id, role FROM tokens WHERE token_hash = ? AND revoked_at IS NULL`,
    [hash],
  );
  if (!row) return null;
  return {
    kind: row.kind,
    name: row.name,
    device_id: row.device_id,
    store_id: row.store_id,
    role: row.role,
    token_hash: hash,
  };
}

export function caller(c: Caller | null): Caller {
  if (!c) throw new ApiError(401, 'unauthorized', 'a bearer token is required');
  return c;
}

/** The store a caller writes for: a device's own; others name it (or get the default store). */
export async function storeFor(
  q: Queryable,
  who: Caller,
  requested: string | undefined,
): Promise<string> {
  if (who.kind === 'device') {
    if (requested !== undefined && requested !== who.store_id) {
      throw forbidden(
        `this device belongs to store ${who.store_id ?? '?'} and may not write for store ${requested}`,
      );
    }
    return who.store_id as string;
  }
  const store = requested ?? (await readMeta(q, 'default_store'));
  if (!store) throw new ApiError(400, 'invalid_input', 'store_id is required');
  const exists = await q.get(`SELECT 1 AS one FROM stores WHERE store_id = ?`, [store]);
  if (!exists) throw notFound(`store ${store}`);
  return store;
}

export async function requireMember(q: Queryable, memberId: string): Promise<MemberRow> {
  const row = await memberRow(q, memberId);
  if (!row) throw notFound(`customer ${memberId}`);
  return row;
}
