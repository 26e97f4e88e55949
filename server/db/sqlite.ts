/**
 * SQLite backend (better-sqlite3). One connection; better-sqlite3 is synchronous, so the only
 * way two requests could interleave inside a transaction is across an `await` in its callback:
 * a queue makes everything else wait until the transaction ends.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Queryable } from './database';
import { migrate } from './migrations';

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

export async function openSqlite(file: string): Promise<Database> {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
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

  const database: Database = {
    kind: 'sqlite',
    all: (sql, params) => exclusive(() => direct.all(sql, params)),
    get: (sql, params) => exclusive(() => direct.get(sql, params)),
    run: (sql, params) => exclusive(() => direct.run(sql, params)),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return exclusive(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
    },
    async close() {
      await queue;
      db.close();
    },
  };
  await migrate(database);
  return database;
}
