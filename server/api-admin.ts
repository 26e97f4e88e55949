/** Program versions, stores, devices and pairing, staff, the conflicts list, health. */
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { GENESIS_HASH } from '../shared/protocol';
import { ProgramError } from '../shared/rules';
import {
  RESTORE_CATCH_UP_MS,
  ledgerAncestors,
  readMeta,
  restoredAt,
  writeMeta,
  type AppContext,
} from './context';
import type { Queryable } from './db/database';
import { digits, hashPin, newToken, sha256, verifyPin } from './crypto';
import { ApiError, notFound } from './errors';
import type { Router } from './http';
import { id, parse } from './validate';

const PAIRING_MS = 10 * 60_000;

const StoreSchema = v.strictObject({
  store_id: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -'),
  ),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});
const DeviceSchema = v.strictObject({
  store_id: id,
  role: v.picklist(['cashier', 'kiosk']),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});
const PairSchema = v.strictObject({
  pairing_code: v.pipe(v.string(), v.regex(/^\d{8}$/, 'must be the 8-digit code')),
  /** The identity the device had, when it is paired again (docs/decisions/0029). */
  previous: v.optional(
    v.strictObject({
      device_id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
      /** The ledger it last synced with; null when it never synced. */
      ledger_id: v.nullable(v.pipe(v.string(), v.maxLength(100))),
    }),
  ),
});
/** A staff PIN: what unlocks a till. */
const StaffPin = v.pipe(v.string(), v.regex(/^\d{4,8}$/, 'must be 4 to 8 digits'));
const StaffSchema = v.strictObject({
  store_id: id,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  pin: StaffPin,
  role: v.picklist(['cashier', 'manager']),
});
const ConflictsQuerySchema = v.strictObject({
  store_id: v.optional(id),
  status: v.optional(v.picklist(['open', 'all'])),
});
const ConflictChangeSchema = v.strictObject({
  handled: v.boolean(),
  note: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500)))),
});
const StaffChangeSchema = v.pipe(
  v.strictObject({
    name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
    pin: v.optional(StaffPin),
    role: v.optional(v.picklist(['cashier', 'manager'])),
  }),
  v.check(
    (b) => b.name !== undefined || b.pin !== undefined || b.role !== undefined,
    'give pin, name or role',
  ),
);
const IntegrationSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});

export async function createStore(ctx: AppContext, storeId: string, name: string): Promise<void> {
  await ctx.db.run(`INSERT INTO stores (store_id, name, created_at) VALUES (?, ?, ?)`, [
    storeId,
    name,
    new Date(ctx.now()).toISOString(),
  ]);
  await ctx.db.run(
    `INSERT INTO meta (key, value) VALUES ('default_store', ?) ON CONFLICT (key) DO NOTHING`,
    [storeId],
  );
}

export async function createDevice(
  ctx: AppContext,
  storeId: string,
  role: 'cashier' | 'kiosk',
  name: string,
): Promise<{ device_id: string; pairing_code: string; expires_at: string }> {
  if (!(await ctx.db.get(`SELECT 1 AS one FROM stores WHERE store_id = ?`, [storeId])))
    throw notFound(`store ${storeId}`);
  const deviceId = `${role}-${randomUUID()}`;
  const code = digits(8);
  const expires = ctx.now() + PAIRING_MS;
  await ctx.db.run(
    `INSERT INTO devices (device_id, store_id, role, name, pairing_code_hash, pairing_expires_ms, last_seq, last_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    [
      deviceId,
      storeId,
      role,
      name,
      sha256(code),
      expires,
      GENESIS_HASH,
      new Date(ctx.now()).toISOString(),
    ],
  );
  return { device_id: deviceId, pairing_code: code, expires_at: new Date(expires).toISOString() };
}

export async function createToken(
  ctx: AppContext,
  kind: 'admin' | 'integration' | 'device',
  name: string,
  device?: { device_id: string; store_id: string; role: string },
  token = newToken(),
): Promise<string> {
  await ctx.db.run(
    `INSERT INTO tokens (token_hash, kind, name, device_id, store_id, role, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING`,
    [
      sha256(token),
      kind,
      name,
      device?.device_id ?? null,
      device?.store_id ?? null,
      device?.role ?? null,
      new Date(ctx.now()).toISOString(),
    ],
  );
  return token;
}

/** The last copy `npm run admin -- backup` took (SQLite), as the owner is shown it. */
export interface BackupRecord {
  readonly at: string;
  readonly file: string;
  readonly bytes: number;
  readonly members: number;
  readonly events: number;
}

/** Notes a backup in the database it copies (meta 'last_backup'). */
export async function recordBackup(q: Queryable, record: BackupRecord): Promise<void> {
  await writeMeta(q, 'last_backup', JSON.stringify(record));
}

/** The last backup taken of this database, or null (never, or on PostgreSQL). */
export async function lastBackup(q: Queryable): Promise<BackupRecord | null> {
  const text = await readMeta(q, 'last_backup');
  return text === null ? null : (JSON.parse(text) as BackupRecord);
}

/** The last restore, as the owner's console shows it (decision 0030). */
export interface RestoreReport {
  readonly at: string;
  /** Still within the days in which records wait for the devices that hold what they name. */
  readonly catching_up: boolean;
  /** Paired devices, not revoked, that have not synced since: they may hold records it lacks. */
  readonly not_synced_since: readonly {
    device_id: string;
    name: string;
    role: string;
    store_id: string;
  }[];
}

export async function lastRestore(ctx: AppContext): Promise<RestoreReport | null> {
  const at = await restoredAt(ctx.db);
  if (at === null) return null;
  const iso = new Date(at).toISOString();
  const rows = await ctx.db.all<{
    device_id: string;
    name: string;
    role: string;
    store_id: string;
  }>(
    `SELECT device_id, name, role, store_id FROM devices
      WHERE paired_at IS NOT NULL AND revoked_at IS NULL AND (last_sync_at IS NULL OR last_sync_at < ?)
      ORDER BY store_id, name, device_id`,
    [iso],
  );
  return {
    at: iso,
    catching_up: ctx.now() - at < RESTORE_CATCH_UP_MS,
    not_synced_since: rows.map((r) => ({ ...r })),
  };
}

/** A token's id: the first 16 hex digits of its hash (it names the token, and reveals nothing). */
const idOfHash = (tokenHash: string): string => tokenHash.slice(0, 16);
export const tokenId = (token: string): string => idOfHash(sha256(token));

/** An admin or integration token as the owner sees it (never the token itself). */
export interface TokenReport {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

/** The admin or integration tokens, oldest first. */
export async function tokensOf(
  ctx: AppContext,
  kind: 'admin' | 'integration',
): Promise<TokenReport[]> {
  const rows = await ctx.db.all<{
    token_hash: string;
    name: string;
    created_at: string;
    revoked_at: string | null;
  }>(
    `SELECT token_hash, name, created_at, revoked_at FROM tokens WHERE kind = ? ORDER BY created_at, token_hash`,
    [kind],
  );
  return rows.map((r) => ({
    id: idOfHash(r.token_hash),
    name: r.name,
    created_at: r.created_at,
    revoked_at: r.revoked_at,
  }));
}

/**
 * Revokes an admin or integration token by its id (a key a web shop leaked, a script retired):
 * it stops working at its next request. Null: no such token of that kind. The last admin token
 * that works is not revoked (no one could sign in to the console after it): create another first.
 */
export async function revokeToken(
  ctx: AppContext,
  kind: 'admin' | 'integration',
  id: string,
): Promise<{ id: string; revoked_at: string } | null> {
  if (!/^[0-9a-f]{16}$/.test(id)) return null;
  return ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ token_hash: string; revoked_at: string | null }>(
      `SELECT token_hash, revoked_at FROM tokens WHERE kind = ? AND substr(token_hash, 1, 16) = ?`,
      [kind, id],
    );
    if (!row) return null;
    if (row.revoked_at !== null) return { id, revoked_at: row.revoked_at };
    if (kind === 'admin') {
      const live = await tx.get<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM tokens WHERE kind = 'admin' AND revoked_at IS NULL`,
      );
      if (Number(live?.n ?? 0) <= 1)
        throw new ApiError(
          409,
          'conflict',
          'this is the last admin token that works: create another first (npm run admin -- admin-token create)',
        );
    }
    const at = new Date(ctx.now()).toISOString();
    await tx.run(`UPDATE tokens SET revoked_at = ? WHERE token_hash = ?`, [at, row.token_hash]);
    return { id, revoked_at: at };
  });
}

/**
 * Refuses a PIN another member of the store's staff unlocks with: a till takes the first of its
 * staff whose PIN matches, so two alike made one of them the other (a cashier sharing a
 * manager's PIN approved point adjustments as the manager). Each stored PIN is checked (scrypt,
 * about 20 ms each, on the thread pool): a store's staff are a handful.
 */
async function refuseSharedPin(
  ctx: AppContext,
  storeId: string,
  pin: string,
  except: string | null = null,
): Promise<void> {
  const others = (await staffOf(ctx, storeId)).filter((s) => s.staff_id !== except);
  const matches = await Promise.all(others.map((s) => verifyPin(pin, s.pin_hash)));
  if (matches.some(Boolean)) {
    throw new ApiError(
      409,
      'conflict',
      'another member of staff in this store unlocks the tills with this PIN: give each their own',
      { field: 'pin' },
    );
  }
}

export async function createStaff(
  ctx: AppContext,
  storeId: string,
  name: string,
  pin: string,
  role: 'cashier' | 'manager',
): Promise<string> {
  if (!(await ctx.db.get(`SELECT 1 AS one FROM stores WHERE store_id = ?`, [storeId])))
    throw notFound(`store ${storeId}`);
  await refuseSharedPin(ctx, storeId, pin);
  const staffId = `staff-${randomUUID()}`;
  await ctx.db.run(
    `INSERT INTO staff (staff_id, store_id, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    [staffId, storeId, name, role, await hashPin(pin), new Date(ctx.now()).toISOString()],
  );
  return staffId;
}

/** The staff of a store who may unlock its tills (with their PIN hashes: for devices only). */
export async function staffOf(ctx: AppContext, storeId: string) {
  return ctx.db.all<{ staff_id: string; name: string; role: string; pin_hash: string }>(
    `SELECT staff_id, name, role, pin_hash FROM staff WHERE store_id = ? AND removed_at_ms IS NULL ORDER BY name`,
    [storeId],
  );
}

export interface StaffRow {
  readonly staff_id: string;
  readonly store_id: string;
  readonly name: string;
  readonly role: string;
  readonly created_at: string;
}

/** The staff (all stores, or one), without their PIN hashes. */
export async function staffList(ctx: AppContext, storeId: string | null): Promise<StaffRow[]> {
  return ctx.db.all<StaffRow>(
    `SELECT staff_id, store_id, name, role, created_at FROM staff WHERE removed_at_ms IS NULL` +
      (storeId === null ? '' : ` AND store_id = ?`) +
      ` ORDER BY store_id, name`,
    storeId === null ? [] : [storeId],
  );
}

/**
 * Changes a member of staff's PIN, name or role (a forgotten PIN, a promotion). The tills take
 * the change at their next sync, as they take the whole staff list. Null: no such member of
 * staff, or one who was removed.
 */
export async function updateStaff(
  ctx: AppContext,
  staffId: string,
  changes: { pin?: string; name?: string; role?: 'cashier' | 'manager' },
): Promise<StaffRow | null> {
  const row = await ctx.db.get<{ store_id: string }>(
    `SELECT store_id FROM staff WHERE staff_id = ? AND removed_at_ms IS NULL`,
    [staffId],
  );
  if (!row) return null;
  if (changes.pin !== undefined) await refuseSharedPin(ctx, row.store_id, changes.pin, staffId);
  const pinHash = changes.pin === undefined ? null : await hashPin(changes.pin);
  await ctx.db.run(
    `UPDATE staff SET pin_hash = COALESCE(?, pin_hash), name = COALESCE(?, name), role = COALESCE(?, role)
      WHERE staff_id = ?`,
    [pinHash, changes.name ?? null, changes.role ?? null, staffId],
  );
  return (
    (await ctx.db.get<StaffRow>(
      `SELECT staff_id, store_id, name, role, created_at FROM staff WHERE staff_id = ?`,
      [staffId],
    )) ?? null
  );
}

/**
 * Removes a member of staff who left: their PIN stops unlocking the store's tills at each till's
 * next sync. What they recorded, and adjustments they approved before now, stand. Returns when
 * they were removed, or null when there is no such member of staff (or they were removed already).
 */
export async function removeStaff(ctx: AppContext, staffId: string): Promise<number | null> {
  const now = ctx.now();
  const changed = await ctx.db.run(
    `UPDATE staff SET removed_at_ms = ? WHERE staff_id = ? AND removed_at_ms IS NULL`,
    [now, staffId],
  );
  return changed === 0 ? null : now;
}

/** One entry of the manager's conflicts list (offline double spends, reused coupons...). */
export interface ConflictRow {
  readonly event_id: string;
  readonly kind: string;
  readonly member_id: string;
  readonly store_id: string;
  readonly points: number;
  readonly detail: string;
  readonly created_at: string;
  /** When a manager marked it handled (null: open), and their note. */
  readonly handled_at: string | null;
  readonly handled_note: string | null;
}

/** The conflicts list, newest first, of one store or of all (GET /conflicts, the CLI). */
export async function conflictsOf(
  ctx: AppContext,
  storeId: string | null,
  status: 'open' | 'all' = 'open',
): Promise<ConflictRow[]> {
  const rows = await ctx.db.all<ConflictRow>(
    `SELECT * FROM conflicts WHERE (? = '' OR store_id = ?) AND (? = 'all' OR handled_at IS NULL)
      ORDER BY created_at DESC, event_id, kind`,
    [storeId ?? '', storeId ?? '', status],
  );
  return rows.map(conflictRow);
}

/** A conflicts row as the API gives it (PostgreSQL answers BIGINT as text). */
const conflictRow = (r: ConflictRow): ConflictRow => ({ ...r, points: Number(r.points) });

/**
 * Marks a conflict handled (the manager spoke to the member, or wrote the points off), with a
 * note, or open again. Null when there is no such conflict.
 */
export async function markConflict(
  ctx: AppContext,
  eventId: string,
  kind: string,
  handled: boolean,
  note: string | null,
): Promise<ConflictRow | null> {
  const changed = await ctx.db.run(
    `UPDATE conflicts SET handled_at = ?, handled_note = ? WHERE event_id = ? AND kind = ?`,
    [handled ? new Date(ctx.now()).toISOString() : null, handled ? note : null, eventId, kind],
  );
  if (changed === 0) return null;
  const row = await ctx.db.get<ConflictRow>(
    `SELECT * FROM conflicts WHERE event_id = ? AND kind = ?`,
    [eventId, kind],
  );
  return row ? conflictRow(row) : null;
}

/** A till or kiosk as the owner sees it: paired or not, and when its last events came in. */
export interface DeviceReport {
  readonly device_id: string;
  readonly store_id: string;
  readonly role: string;
  readonly name: string;
  readonly paired_at: string | null;
  /** A pairing code is out and has not expired. */
  readonly pairing_open: boolean;
  /** When it last synced, pushing or only pulling (null: never). */
  readonly last_sync_at: string | null;
  /** Events the endpoint has taken from it (its chain's length). */
  readonly events: number;
  /** When the endpoint received its latest event (null: none yet). */
  readonly last_event_at: string | null;
  /** When the owner revoked it (null: not revoked); its token no longer works. */
  readonly revoked_at: string | null;
}

/**
 * Revokes a device (a till stolen or lost, a kiosk retired): its tokens stop working at once
 * (its next request is a 401, and the device pauses sync and keeps what it recorded), and a
 * pairing code still out for it no longer pairs. The events it sent stay in the ledger. Null:
 * no such device. A device revoked already keeps the time of its first revocation.
 */
export async function revokeDevice(
  ctx: AppContext,
  deviceId: string,
): Promise<{ device_id: string; revoked_at: string } | null> {
  return ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ revoked_at: string | null }>(
      `SELECT revoked_at FROM devices WHERE device_id = ? AND role <> 'server'`,
      [deviceId],
    );
    if (!row) return null;
    if (row.revoked_at !== null) return { device_id: deviceId, revoked_at: row.revoked_at };
    const at = new Date(ctx.now()).toISOString();
    await tx.run(
      `UPDATE devices SET revoked_at = ?, pairing_code_hash = NULL, pairing_expires_ms = NULL WHERE device_id = ?`,
      [at, deviceId],
    );
    await tx.run(
      `UPDATE tokens SET revoked_at = ? WHERE kind = 'device' AND device_id = ? AND revoked_at IS NULL`,
      [at, deviceId],
    );
    return { device_id: deviceId, revoked_at: at };
  });
}

/** The devices (not the server's own chains), by store and name. */
export async function devicesOf(ctx: AppContext, storeId: string | null): Promise<DeviceReport[]> {
  const rows = await ctx.db.all<{
    device_id: string;
    store_id: string;
    role: string;
    name: string;
    paired_at: string | null;
    pairing_expires_ms: number | string | null;
    last_sync_at: string | null;
    last_seq: number | string;
    revoked_at: string | null;
  }>(
    `SELECT device_id, store_id, role, name, paired_at, pairing_expires_ms, last_sync_at, last_seq, revoked_at FROM devices
     WHERE role <> 'server'${storeId === null ? '' : ' AND store_id = ?'} ORDER BY store_id, name, device_id`,
    storeId === null ? [] : [storeId],
  );
  const now = ctx.now();
  const out: DeviceReport[] = [];
  for (const r of rows) {
    const events = Number(r.last_seq);
    const last =
      events > 0
        ? await ctx.db.get<{ received_at: string }>(
            `SELECT received_at FROM events WHERE device_id = ? ORDER BY seq DESC LIMIT 1`,
            [r.device_id],
          )
        : undefined;
    out.push({
      device_id: r.device_id,
      store_id: r.store_id,
      role: r.role,
      name: r.name,
      paired_at: r.paired_at,
      pairing_open: r.pairing_expires_ms !== null && Number(r.pairing_expires_ms) > now,
      last_sync_at: r.last_sync_at,
      events,
      last_event_at: last?.received_at ?? null,
      revoked_at: r.revoked_at,
    });
  }
  return out;
}

/**
 * For a device paired again: how far this ledger holds the chain of the identity it had, so that
 * it sends again, under its new identity, what it had synced that the ledger lacks (a restore
 * from a backup taken before). Only when the ledger is the one the device synced with, or a
 * restored copy of it; with another ledger (another shop's endpoint) nothing is said, and the
 * device sends only what it had not synced.
 */
async function previousChain(
  ctx: AppContext,
  previous: { device_id: string; ledger_id: string | null },
): Promise<{ previous?: { device_id: string; held_seq: number } }> {
  const known = previous.ledger_id;
  if (known === null) return {};
  if (known !== ctx.ledgerId && !(await ledgerAncestors(ctx.db)).includes(known)) return {};
  const row = await ctx.db.get<{ last_seq: number }>(
    `SELECT last_seq FROM devices WHERE device_id = ?`,
    [previous.device_id],
  );
  return { previous: { device_id: previous.device_id, held_seq: Number(row?.last_seq ?? 0) } };
}

export function adminRoutes(router: Router, ctx: AppContext): void {
  router.add({
    method: 'GET',
    path: '/health',
    allow: [],
    handler: async () => ({ status: 200, body: { ok: true, version: ctx.version } }),
  });

  router.add({
    method: 'GET',
    path: '/backups',
    allow: ['admin'],
    handler: async () => ({
      status: 200,
      body: {
        database: ctx.db.kind,
        last: await lastBackup(ctx.db),
        restored: await lastRestore(ctx),
      },
    }),
  });

  router.add({
    method: 'GET',
    path: '/program',
    allow: ['admin', 'integration', 'device'],
    handler: async () => {
      await ctx.programs.refresh(ctx.db);
      return { status: 200, body: ctx.programs.current() };
    },
  });

  router.add({
    method: 'PUT',
    path: '/program',
    allow: ['admin'],
    handler: async (req) => {
      try {
        const program = await ctx.programs.publish(ctx.db, req.body, ctx.now());
        return { status: 200, body: program };
      } catch (error) {
        if (error instanceof ProgramError)
          throw new ApiError(400, 'invalid_input', error.message, { issues: error.issues });
        throw error;
      }
    },
  });

  router.add({
    method: 'GET',
    path: '/stores',
    allow: ['admin'],
    handler: async () => ({
      status: 200,
      body: {
        stores: await ctx.db.all<{ store_id: string; name: string; created_at: string }>(
          `SELECT store_id, name, created_at FROM stores ORDER BY store_id`,
        ),
      },
    }),
  });

  router.add({
    method: 'GET',
    path: '/devices',
    allow: ['admin'],
    handler: async (req) => ({
      status: 200,
      body: { devices: await devicesOf(ctx, req.query.get('store_id')) },
    }),
  });

  router.add({
    method: 'POST',
    path: '/stores',
    allow: ['admin'],
    creates: true,
    handler: async (req) => {
      const body = parse(StoreSchema, req.body);
      if (await ctx.db.get(`SELECT 1 AS one FROM stores WHERE store_id = ?`, [body.store_id]))
        throw new ApiError(409, 'conflict', `store ${body.store_id} exists`);
      await createStore(ctx, body.store_id, body.name);
      return { status: 201, body: { store_id: body.store_id, name: body.name } };
    },
  });

  router.add({
    method: 'POST',
    path: '/integrations',
    allow: ['admin'],
    creates: true,
    handler: async (req) => {
      const body = parse(IntegrationSchema, req.body);
      const token = await createToken(ctx, 'integration', body.name);
      return { status: 201, body: { integration_id: tokenId(token), name: body.name, token } };
    },
  });

  router.add({
    method: 'GET',
    path: '/integrations',
    allow: ['admin'],
    handler: async () => ({
      status: 200,
      body: {
        integrations: (await tokensOf(ctx, 'integration')).map(({ id, ...rest }) => ({
          integration_id: id,
          ...rest,
        })),
      },
    }),
  });

  router.add({
    method: 'DELETE',
    path: '/integrations/:id',
    allow: ['admin'],
    handler: async (req) => {
      const revoked = await revokeToken(ctx, 'integration', req.params.id as string);
      if (!revoked) throw notFound(`integration ${req.params.id as string}`);
      return { status: 200, body: { integration_id: revoked.id, revoked_at: revoked.revoked_at } };
    },
  });

  router.add({
    method: 'POST',
    path: '/devices',
    allow: ['admin'],
    creates: true,
    handler: async (req) => {
      const body = parse(DeviceSchema, req.body);
      return { status: 201, body: await createDevice(ctx, body.store_id, body.role, body.name) };
    },
  });

  router.add({
    method: 'DELETE',
    path: '/devices/:id',
    allow: ['admin'],
    handler: async (req) => {
      const revoked = await revokeDevice(ctx, req.params.id as string);
      if (!revoked) throw notFound(`device ${req.params.id as string}`);
      return { status: 200, body: revoked };
    },
  });

  router.add({
    method: 'POST',
    path: '/devices/pair',
    allow: [],
    handler: async (req) => {
      const body = parse(PairSchema, req.body);
      const row = await ctx.db.get<{
        device_id: string;
        store_id: string;
        role: 'cashier' | 'kiosk';
        name: string;
        pairing_expires_ms: number;
      }>(
        `SELECT device_id, store_id, role, name, pairing_expires_ms FROM devices WHERE pairing_code_hash = ?`,
        [sha256(body.pairing_code)],
      );
      if (!row || Number(row.pairing_expires_ms) < ctx.now())
        throw new ApiError(404, 'not_found', 'this pairing code is unknown, used or expired');
      const claimed = await ctx.db.run(
        `UPDATE devices SET pairing_code_hash = NULL, pairing_expires_ms = NULL, paired_at = ? WHERE device_id = ? AND pairing_code_hash = ?`,
        [new Date(ctx.now()).toISOString(), row.device_id, sha256(body.pairing_code)],
      );
      if (claimed === 0)
        throw new ApiError(404, 'not_found', 'this pairing code is unknown, used or expired');
      const token = await createToken(ctx, 'device', row.name, row);
      return {
        status: 200,
        body: {
          device_id: row.device_id,
          token,
          ledger_id: ctx.ledgerId,
          ...(body.previous ? await previousChain(ctx, body.previous) : {}),
          store_id: row.store_id,
          role: row.role,
          program: ctx.programs.current(),
          phone_key: ctx.phoneKey,
          staff: row.role === 'cashier' ? await staffOf(ctx, row.store_id) : [],
        },
      };
    },
  });

  router.add({
    method: 'POST',
    path: '/staff',
    allow: ['admin'],
    creates: true,
    handler: async (req) => {
      const body = parse(StaffSchema, req.body);
      const staffId = await createStaff(ctx, body.store_id, body.name, body.pin, body.role);
      return {
        status: 201,
        body: { staff_id: staffId, store_id: body.store_id, name: body.name, role: body.role },
      };
    },
  });

  router.add({
    method: 'GET',
    path: '/staff',
    allow: ['admin'],
    handler: async (req) => ({
      status: 200,
      body: { staff: await staffList(ctx, req.query.get('store_id')) },
    }),
  });

  router.add({
    method: 'PATCH',
    path: '/staff/:id',
    allow: ['admin'],
    handler: async (req) => {
      const staffId = req.params.id as string;
      const body = parse(StaffChangeSchema, req.body);
      const updated = await updateStaff(ctx, staffId, body);
      if (updated === null) throw notFound(`staff ${staffId}`);
      return { status: 200, body: updated };
    },
  });

  router.add({
    method: 'DELETE',
    path: '/staff/:id',
    allow: ['admin'],
    handler: async (req) => {
      const staffId = req.params.id as string;
      const removedAt = await removeStaff(ctx, staffId);
      if (removedAt === null) throw notFound(`staff ${staffId}`);
      return {
        status: 200,
        body: { staff_id: staffId, removed_at: new Date(removedAt).toISOString() },
      };
    },
  });

  router.add({
    method: 'GET',
    path: '/feedback',
    allow: ['admin'],
    handler: async (req) => {
      // Kiosk feedback ("would you recommend us", 0-10) and the Net Promoter Score it gives:
      // % of 9-10 minus % of 0-6. Newest first; `store_id` narrows, `limit` caps the list.
      const store = req.query.get('store_id');
      const limit = Math.min(1000, Math.max(1, Number(req.query.get('limit') ?? 200) || 200));
      const rows = await ctx.db.all<{ body: string; device_id: string }>(
        `SELECT body, device_id FROM events WHERE type = 'feedback_given' AND status = 'applied'` +
          (store === null ? '' : ` AND store_id = ?`) +
          ` ORDER BY server_seq DESC`,
        store === null ? [] : [store],
      );
      const all = rows.map((r) => {
        const e = JSON.parse(r.body) as {
          event_id: string;
          member_id: string;
          store_id: string;
          occurred_at: string;
          payload: { score: number; comment: string | null };
        };
        return {
          event_id: e.event_id,
          member_id: e.member_id,
          store_id: e.store_id,
          device_id: r.device_id,
          occurred_at: e.occurred_at,
          score: e.payload.score,
          comment: e.payload.comment,
        };
      });
      const promoters = all.filter((f) => f.score >= 9).length;
      const detractors = all.filter((f) => f.score <= 6).length;
      return {
        status: 200,
        body: {
          count: all.length,
          promoters,
          passives: all.length - promoters - detractors,
          detractors,
          nps: all.length === 0 ? null : Math.round(((promoters - detractors) * 100) / all.length),
          feedback: all.slice(0, limit),
        },
      };
    },
  });

  router.add({
    method: 'GET',
    path: '/conflicts',
    allow: ['admin'],
    handler: async (req) => {
      const query = parse(ConflictsQuerySchema, Object.fromEntries(req.query), 'query');
      return {
        status: 200,
        body: {
          conflicts: await conflictsOf(ctx, query.store_id ?? null, query.status ?? 'open'),
        },
      };
    },
  });

  router.add({
    method: 'PATCH',
    path: '/conflicts/:event_id/:kind',
    allow: ['admin'],
    handler: async (req) => {
      const body = parse(ConflictChangeSchema, req.body);
      const row = await markConflict(
        ctx,
        req.params.event_id as string,
        req.params.kind as string,
        body.handled,
        body.note ?? null,
      );
      if (row === null) throw notFound(`conflict ${req.params.kind} of ${req.params.event_id}`);
      return { status: 200, body: row };
    },
  });
}
