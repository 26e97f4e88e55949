/**
 * SQLite's WAL checkpoints on their own thread (server/db/checkpointer.ts): committed pages reach
 * the database file without the writer checkpointing, a failed thread hands the checkpoints back
 * to the writer, and closing leaves no WAL behind.
 */
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Checkpointer, DEFAULT_PAGES } from '../../server/db/checkpointer';
import { openSqlite } from '../../server/db/sqlite';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loyalty-checkpoint-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const ROW = 'x'.repeat(1_000);

type Db = Awaited<ReturnType<typeof openSqlite>>;

/** A database with an empty table, once the thread (if any) has had time to start and settle. */
async function prepared(file: string, checkpointThread: boolean): Promise<Db> {
  const db = await openSqlite(file, { checkpointThread });
  await db.run(`CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT NOT NULL)`);
  await new Promise((r) => setTimeout(r, 500));
  return db;
}

/** Writes about 2 MB in transactions (some 500 pages: under the default and the backstop). */
async function fill(db: Db): Promise<void> {
  for (let batch = 0; batch < 20; batch += 1) {
    await db.transaction(async (tx) => {
      for (let i = 0; i < 100; i += 1)
        await tx.run(`INSERT INTO filler (n, text) VALUES (?, ?)`, [batch * 100 + i, ROW]);
    });
  }
}

function started(checkpointer: Checkpointer | null): Checkpointer {
  if (checkpointer === null) throw new Error('the checkpoint thread did not start');
  return checkpointer;
}

async function until(test: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SQLite checkpoint thread', () => {
  it('copies committed pages into the database file while the writer only commits', async () => {
    const file = join(dir, 'loyalty.db');
    const db = await prepared(file, true);
    const before = statSync(file).size;
    await fill(db);
    // The writer's own threshold (the backstop) is far above what was written: only the thread
    // can have moved the pages into the file.
    await until(() => statSync(file).size > before + 1_500_000);
    await db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('without the thread, the same writes stay in the WAL until the writer checkpoints', async () => {
    const file = join(dir, 'loyalty.db');
    const db = await prepared(file, false);
    const before = statSync(file).size;
    await fill(db);
    await new Promise((r) => setTimeout(r, 300));
    expect(statSync(file).size).toBeLessThan(before + 100_000);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1_500_000);
    await db.close();
    expect(statSync(file).size).toBeGreaterThan(before + 1_500_000);
  });

  it('gives the checkpoints back to the writer when the thread fails', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const file = join(dir, 'loyalty.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    const checkpointer = started(
      Checkpointer.start(db, file, {
        entry: new URL('./fixtures/crashing-worker.mjs', import.meta.url),
      }),
    );
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(DEFAULT_PAGES);
    checkpointer.committed();
    await until(() => !checkpointer.active);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(DEFAULT_PAGES);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toContain('checkpoint thread failed');
    checkpointer.committed();
    await checkpointer.close();
    db.close();
  });

  it('counts its checkpoints and reports what it copied', async () => {
    const file = join(dir, 'loyalty.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    const checkpointer = started(Checkpointer.start(db, file, { gapMs: 0 }));
    db.exec(`CREATE TABLE t (x TEXT)`);
    db.prepare(`INSERT INTO t VALUES (?)`).run(ROW);
    checkpointer.committed();
    await until(() => checkpointer.checkpoints > 0);
    expect(checkpointer.last).not.toBeNull();
    expect(checkpointer.last?.busy).toBe(0);
    expect(checkpointer.last?.checkpointed).toBe(checkpointer.last?.log);
    expect(checkpointer.last?.log).toBeGreaterThan(0);
    await checkpointer.close();
    expect(checkpointer.active).toBe(false);
    db.close();
  });

  it('leaves the checkpoints to the writer when no thread can be started', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const file = join(dir, 'loyalty.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    const checkpointer = Checkpointer.start(db, file, {
      entry: new URL('https://example.invalid/checkpoint-worker.mjs'),
    });
    expect(checkpointer).toBeNull();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(DEFAULT_PAGES);
    expect(String(errors.mock.calls[0]?.[0])).toContain('could not start');
    db.close();
  });
});
