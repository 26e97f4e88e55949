/**
 * SQLite backend (better-sqlite3). One connection; better-sqlite3 is synchronous, so the only
 * way two requests could interleave inside a transaction is across an `await` in its callback:
 * a queue makes everything else wait until the transaction ends.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Queryable } from './database';
import { Checkpointer } from './checkpointer';
import { migrate } from './migrations';

/** At most this many transactions share one commit. */
const MAX_GROUP = 16;

type Bindable = string | number | bigint | null | Buffer;

function bind(params: readonly unknown[]): Bindable[] {
  return params.map((p) => {
    if (p === undefined || p === null) return null;
    if (typeof p === 'boolean') return p ? 1 : 0;
    if (
      typeof p === 'string' ||
      typeof p === 'number' ||
      typeof p === 'bigint' ||
      Buffer.isBuffer(p)
    )
      return p;
    return JSON.stringify(p);
  });
}

export interface SqliteOptions {
  /**
   * WAL checkpoints on a thread of their own (checkpointer.ts) instead of inside commits. On by
   * default for a file; `LOYALTY_CHECKPOINT_THREAD=0` turns it off.
   */
  readonly checkpointThread?: boolean;
  /** Migrate no further than this version (tests of an upgrade); default: all. */
  readonly migrateTo?: number;
}

export async function openSqlite(file: string, options: SqliteOptions = {}): Promise<Database> {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const threaded = options.checkpointThread ?? process.env.LOYALTY_CHECKPOINT_THREAD !== '0';
  const checkpointer = threaded && !db.memory ? Checkpointer.start(db, file) : null;
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const direct: Queryable = {
    async all<T>(sql: string, params: readonly unknown[] = []) {
      const s = prepare(sql);
      return (s.reader ? s.all(...bind(params)) : (s.run(...bind(params)), [])) as T[];
    },
    async get<T>(sql: string, params: readonly unknown[] = []) {
      const s = prepare(sql);
      return (s.reader ? s.get(...bind(params)) : (s.run(...bind(params)), undefined)) as
        T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).run(...bind(params)).changes;
    },
  };

  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn, fn);
    queue = result.catch(() => undefined);
    return result;
  };

  // Group commit: transactions that arrive while the connection is busy (several devices
  // syncing at once) run one after another inside one BEGIN ... COMMIT, each in its own
  // savepoint, so most of the cost of a commit (writing the WAL, checkpoints) is shared. Each
  // caller learns its result only after the shared COMMIT; one that throws is rolled back to
  // its savepoint alone.
  interface Job {
    readonly fn: (tx: Queryable) => Promise<unknown>;
    readonly resolve: (value: unknown) => void;
    readonly reject: (error: unknown) => void;
  }
  const waiting: Job[] = [];
  let scheduled = false;
  const runGroup = async (): Promise<void> => {
    scheduled = false;
    const jobs = waiting.splice(0, MAX_GROUP);
    if (waiting.length > 0) schedule();
    if (jobs.length === 0) return;
    const done: { job: Job; ok: boolean; value: unknown }[] = [];
    const failAll = (error: unknown): void => {
      for (const d of done) d.job.reject(error);
      for (const job of jobs.slice(done.length)) job.reject(error);
    };
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      failAll(error);
      return;
    }
    for (const job of jobs) {
      db.exec('SAVEPOINT job');
      try {
        const value = await job.fn(direct);
        db.exec('RELEASE job');
        done.push({ job, ok: true, value });
      } catch (error) {
        if (!db.inTransaction) {
          // SQLite gave up the whole transaction (I/O error, disk full): nothing of it stands.
          failAll(error);
          return;
        }
        db.exec('ROLLBACK TO job');
        db.exec('RELEASE job');
        done.push({ job, ok: false, value: error });
      }
    }
    try {
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      failAll(error);
      return;
    }
    checkpointer?.committed();
    for (const d of done) (d.ok ? d.job.resolve : d.job.reject)(d.value);
  };
  // The group starts after the I/O callbacks of this turn of the event loop, so requests that
  // arrived together join it.
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void exclusive(runGroup));
  };

  const database: Database = {
    kind: 'sqlite',
    all: (sql, params) => exclusive(() => direct.all(sql, params)),
    get: (sql, params) => exclusive(() => direct.get(sql, params)),
    run: (sql, params) =>
      exclusive(async () => {
        const changed = await direct.run(sql, params);
        checkpointer?.committed();
        return changed;
      }),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    async close() {
      while (waiting.length > 0 || scheduled) await new Promise((r) => setImmediate(r));
      await queue;
      await checkpointer?.close();
      db.close();
    },
  };
  await migrate(database, options.migrateTo);
  return database;
}
