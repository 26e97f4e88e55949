/**
 * One interface over the two storage backends: a SQLite file (embedded default) and PostgreSQL
 * (DATABASE_URL). SQL is written once with `?` placeholders and portable types (BIGINT, TEXT);
 * the PostgreSQL adapter numbers the placeholders.
 */
export interface Queryable {
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface Database extends Queryable {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Transactions that write events are serialized by the `server_seq` counter row (see
   * events.ts), so server sequence numbers are handed out in commit order.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(options: {
  url?: string;
  file?: string;
  /** Migrate no further than this version (tests of an upgrade); default: all. */
  migrateTo?: number;
}): Promise<Database> {
  if (options.url) {
    const { openPostgres } = await import('./postgres');
    return openPostgres(options.url, { migrateTo: options.migrateTo });
  }
  const { openSqlite } = await import('./sqlite');
  return openSqlite(options.file ?? ':memory:', { migrateTo: options.migrateTo });
}
