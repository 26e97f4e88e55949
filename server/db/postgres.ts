/** PostgreSQL backend (node-postgres pool). */
import pg from 'pg';
import type { Database, Queryable } from './database';
import { migrate } from './migrations';

// BIGINT and NUMERIC come back as numbers: every value we store is a safe integer.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** `?` placeholders to `$1, $2, ...` (our SQL has no `?` inside literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${(n += 1)}`);
}

function params(values: readonly unknown[]): unknown[] {
  return values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v));
}

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  const texts = new Map<string, string>();
  const text = (sql: string): string => {
    let t = texts.get(sql);
    if (t === undefined) {
      t = numberPlaceholders(sql);
      texts.set(sql, t);
    }
    return t;
  };
  return {
    async all<T>(sql: string, values: readonly unknown[] = []) {
      return (await client.query(text(sql), params(values))).rows as T[];
    },
    async get<T>(sql: string, values: readonly unknown[] = []) {
      return (await client.query(text(sql), params(values))).rows[0] as T | undefined;
    },
    async run(sql: string, values: readonly unknown[] = []) {
      return (await client.query(text(sql), params(values))).rowCount ?? 0;
    },
  };
}

export async function openPostgres(
  url: string,
  options: { migrateTo?: number } = {},
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined); // an idle client's error is reported on its next use
  const base = queryable(pool);
  const database: Database = {
    kind: 'postgres',
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  await migrate(database, options.migrateTo);
  return database;
}
