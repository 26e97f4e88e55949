/**
 * The storage interface's transactions on both backends: many callers at once (SQLite groups
 * them into one commit, each in its own savepoint) each get their own result; one that throws
 * is rolled back alone and the others stand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server';
import { MIGRATIONS } from '../../server/db/migrations';
import { BACKENDS, createPgDatabase } from '../support/server';

describe.each(BACKENDS)('transactions on %s', (backend) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (backend === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
      db = await openDatabase({ file: join(dir, 'loyalty.db') });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const created = await createPgDatabase();
      db = await openDatabase({ url: created.url });
      cleanup = created.drop;
    }
  });
  afterAll(async () => {
    await db.close();
    await cleanup();
  });

  it('concurrent transactions commit their own writes; a failing one alone is rolled back', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        db.transaction(async (tx) => {
          await tx.run(`INSERT INTO meta (key, value) VALUES (?, ?)`, [`k-${i}`, `v-${i}`]);
          await tx.run(`UPDATE counters SET value = value + 1 WHERE name = 'server_seq'`);
          if (i % 5 === 3) throw new Error(`job ${i} fails`);
          return `done ${i}`;
        }),
      ),
    );
    results.forEach((r, i) => {
      if (i % 5 === 3) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toEqual(new Error(`job ${i} fails`));
      } else {
        expect(r).toEqual({ status: 'fulfilled', value: `done ${i}` });
      }
    });
    const keys = (
      await db.all<{ key: string }>(`SELECT key FROM meta WHERE key LIKE 'k-%' ORDER BY key`)
    ).map((r) => r.key);
    const expected = Array.from({ length: 12 }, (_, i) => i)
      .filter((i) => i % 5 !== 3)
      .map((i) => `k-${i}`)
      .sort();
    expect(keys).toEqual(expected);
    const counter = await db.get<{ value: number }>(
      `SELECT value FROM counters WHERE name = 'server_seq'`,
    );
    expect(Number(counter?.value)).toBe(expected.length);
  });

  it('a constraint error inside one transaction does not undo the others', async () => {
    await db.run(`INSERT INTO meta (key, value) VALUES ('taken', 'x')`);
    const [a, b, c] = await Promise.allSettled([
      db.transaction((tx) => tx.run(`INSERT INTO meta (key, value) VALUES ('a', '1')`)),
      db.transaction(async (tx) => {
        await tx.run(`INSERT INTO meta (key, value) VALUES ('b', '1')`);
        return tx.run(`INSERT INTO meta (key, value) VALUES ('taken', 'again')`);
      }),
      db.transaction((tx) => tx.run(`INSERT INTO meta (key, value) VALUES ('c', '1')`)),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(c.status).toBe('fulfilled');
    const rows = await db.all<{ key: string; value: string }>(
      `SELECT key, value FROM meta WHERE key IN ('a', 'b', 'c', 'taken') ORDER BY key`,
    );
    expect(rows).toEqual([
      { key: 'a', value: '1' },
      { key: 'c', value: '1' },
      { key: 'taken', value: 'x' },
    ]);
  });
});

describe.each(BACKENDS)('upgrading a database on %s', (backend) => {
  it('migrates a database of version 1 with data in it to the latest, and keeps the data', async () => {
    let open: (migrateTo?: number) => Promise<Database>;
    let cleanup: () => Promise<void>;
    if (backend === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
      open = (migrateTo) => openDatabase({ file: join(dir, 'loyalty.db'), migrateTo });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const created = await createPgDatabase();
      open = (migrateTo) => openDatabase({ url: created.url, migrateTo });
      cleanup = created.drop;
    }
    try {
      // A server of the first release: its schema, a store, a paired till with 42 events.
      const old = await open(1);
      await old.run(`INSERT INTO stores (store_id, name, created_at) VALUES ('s1', 'Seoul', 'x')`);
      await old.run(
        `INSERT INTO devices (device_id, store_id, role, name, paired_at, last_seq, last_hash, created_at)
         VALUES ('d1', 's1', 'cashier', 'Till 1', '2026-01-02T03:04:05.000Z', 42, 'h42', 'x')`,
      );
      expect(
        (await old.all<{ version: number }>(`SELECT version FROM schema_migrations`)).map((r) =>
          Number(r.version),
        ),
      ).toEqual([1]);
      await expect(old.all(`SELECT last_sync_at FROM devices`)).rejects.toThrow();
      await old.close();

      // The next release opens it: the new column is there, empty, and nothing else changed.
      const db = await open();
      try {
        const versions = await db.all<{ version: number }>(
          `SELECT version FROM schema_migrations ORDER BY version`,
        );
        expect(versions.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
        const device = await db.get<Record<string, unknown>>(
          `SELECT device_id, store_id, name, paired_at, last_seq, last_hash, last_sync_at FROM devices`,
        );
        expect({ ...device, last_seq: Number(device?.last_seq) }).toEqual({
          device_id: 'd1',
          store_id: 's1',
          name: 'Till 1',
          paired_at: '2026-01-02T03:04:05.000Z',
          last_seq: 42,
          last_hash: 'h42',
          last_sync_at: null,
        });
        await db.run(`UPDATE devices SET last_sync_at = 'now' WHERE device_id = 'd1'`);
        expect(await db.get(`SELECT last_sync_at FROM devices`)).toEqual({ last_sync_at: 'now' });
      } finally {
        await db.close();
      }
    } finally {
      await cleanup();
    }
  });
});
