/**
 * Schema migrations, the same SQL for SQLite and PostgreSQL (portable types only). Each runs
 * once, in order, in a transaction; `schema_migrations` records what ran.
 */
import type { Database } from './database';

export const MIGRATIONS: readonly { version: number; name: string; sql: readonly string[] }[] = [
  {
    version: 1,
    name: 'initial',
    sql: [
      `CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
      `INSERT INTO counters (name, value) VALUES ('server_seq', 0)`,
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE stores (store_id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        device_id TEXT,
        store_id TEXT,
        role TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      )`,
      `CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        store_id TEXT NOT NULL REFERENCES stores(store_id),
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        pairing_code_hash TEXT,
        pairing_expires_ms BIGINT,
        paired_at TEXT,
        last_seq BIGINT NOT NULL DEFAULT 0,
        last_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX devices_pairing ON devices (pairing_code_hash)`,
      `CREATE TABLE staff (
        staff_id TEXT PRIMARY KEY,
        store_id TEXT NOT NULL REFERENCES stores(store_id),
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        pin_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE members (
        member_id TEXT PRIMARY KEY,
        card_number TEXT NOT NULL UNIQUE,
        referral_code TEXT NOT NULL UNIQUE,
        phone TEXT UNIQUE,
        phone_hash TEXT,
        name TEXT,
        birthday TEXT,
        pin_hash TEXT,
        pin_failures BIGINT NOT NULL DEFAULT 0,
        pin_locked_until_ms BIGINT NOT NULL DEFAULT 0,
        referred_by TEXT,
        store_id TEXT NOT NULL,
        consent BIGINT NOT NULL DEFAULT 0,
        enrolled_at TEXT NOT NULL,
        last_seq BIGINT NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX members_phone_hash ON members (phone_hash)`,
      `CREATE TABLE events (
        server_seq BIGINT PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        device_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        type TEXT NOT NULL,
        member_id TEXT NOT NULL,
        store_id TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        body TEXT NOT NULL,
        hash TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        flags TEXT,
        received_at TEXT NOT NULL,
        UNIQUE (device_id, seq)
      )`,
      `CREATE INDEX events_member ON events (member_id, server_seq)`,
      `CREATE TABLE purchases (
        purchase_id TEXT PRIMARY KEY,
        member_id TEXT NOT NULL,
        store_id TEXT NOT NULL,
        event_id TEXT NOT NULL
      )`,
      `CREATE TABLE programs (
        version BIGINT PRIMARY KEY,
        definition TEXT NOT NULL,
        effective_from_ms BIGINT NOT NULL,
        published_at TEXT NOT NULL
      )`,
      `CREATE TABLE conflicts (
        event_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        member_id TEXT NOT NULL,
        store_id TEXT NOT NULL,
        points BIGINT NOT NULL,
        detail TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (event_id, kind)
      )`,
      `CREATE TABLE idempotency (
        key TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status BIGINT NOT NULL,
        response TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (key, token_hash)
      )`,
    ],
  },
  {
    version: 2,
    name: 'device last sync',
    // When each device last synced (pushed or only pulled): the owner's `devices` list.
    sql: [`ALTER TABLE devices ADD COLUMN last_sync_at TEXT`],
  },
  {
    version: 3,
    name: 'staff removal',
    // A cashier who leaves is removed, not deleted: the adjustments a manager approved before
    // stay approved (api-sync checks the approval against this time).
    sql: [`ALTER TABLE staff ADD COLUMN removed_at_ms BIGINT`],
  },
  {
    version: 4,
    name: 'conflicts handled',
    // A manager marks a conflict handled (with a note): the list shows the open ones.
    sql: [
      `ALTER TABLE conflicts ADD COLUMN handled_at TEXT`,
      `ALTER TABLE conflicts ADD COLUMN handled_note TEXT`,
    ],
  },
  {
    version: 5,
    name: 'device revocation',
    // A lost or retired till or kiosk is revoked: its tokens stop working, its events stay.
    sql: [`ALTER TABLE devices ADD COLUMN revoked_at TEXT`],
  },
  {
    version: 6,
    name: 'member key from the events',
    // A member's latest event is read from the events' (member_id, server_seq) index (MEMBER_ROW
    // in ledger.ts); the column every batch updated is gone (decision 0034).
    sql: [`ALTER TABLE members DROP COLUMN last_seq`],
  },
];

/** Runs the migrations not run yet, up to `upTo` (tests make an older database with it). */
export async function migrate(db: Database, upTo = Number.POSITIVE_INFINITY): Promise<void> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const done = new Set(
    (await db.all<{ version: number }>(`SELECT version FROM schema_migrations`)).map((r) =>
      Number(r.version),
    ),
  );
  for (const m of MIGRATIONS) {
    if (done.has(m.version) || m.version > upTo) continue;
    await db.transaction(async (tx) => {
      for (const statement of m.sql) await tx.run(statement);
      await tx.run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
    });
  }
}
