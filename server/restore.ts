/**
 * Restoring the SQLite database from a backup (npm run admin -- restore <file>), and giving a
 * restored ledger its new identity (docs/decisions/0027).
 *
 * The restored database gets a new ledger id: at their next sync, the devices that synced with
 * the endpoint before see it change, send again every event of theirs that the backup lacks (they
 * keep all they recorded) and pull their members again from the start.
 */
import { constants, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { renewLedgerId } from './context';
import { openDatabase } from './db/database';

/** What a backup file holds. */
export interface Holdings {
  readonly members: number;
  readonly events: number;
  readonly devices: number;
}

/**
 * Opens a backup read-only and checks it: a sound SQLite file (integrity check) that is this
 * endpoint's database. Returns what it holds.
 */
export function checkBackup(file: string): Holdings {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  let copy: BetterSqlite3.Database;
  try {
    copy = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`${file} cannot be opened: ${(error as Error).message}`);
  }
  try {
    let check: unknown;
    try {
      check = copy.pragma('integrity_check', { simple: true });
    } catch (error) {
      throw new Error(`${file} is not a SQLite database: ${(error as Error).message}`);
    }
    if (check !== 'ok') throw new Error(`${file} is damaged: ${String(check)}`);
    const tables = new Set(
      (
        copy.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
          name: string;
        }[]
      ).map((t) => t.name),
    );
    for (const table of ['schema_migrations', 'meta', 'members', 'events', 'devices'])
      if (!tables.has(table))
        throw new Error(`${file} is not a loyalty database (no ${table} table)`);
    const count = (table: string): number =>
      (copy.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { members: count('members'), events: count('events'), devices: count('devices') };
  } finally {
    copy.close();
  }
}

/**
 * Refuses while another connection (the endpoint) has the database open: in WAL mode every
 * open connection holds a shared lock on the file, so an exclusive lock cannot be had. Closing
 * this connection, the last one, folds the write-ahead log into the file.
 */
function ensureClosed(live: string): void {
  const db = new BetterSqlite3(live, { fileMustExist: true, timeout: 250 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new Error(`the endpoint is running on ${live}: stop it first, then restore`);
    throw error;
  } finally {
    db.close();
  }
}

/**
 * Puts `backup` in place of the database `live` (the endpoint stopped). The database it replaces
 * is moved aside, never deleted: `<live>.before-restore-<time>`. Migrations the backup lacks are
 * run, and the ledger gets a new id.
 */
export async function restoreSqlite(
  live: string,
  backup: string,
  now: Date = new Date(),
): Promise<Holdings & { aside: string | null; ledgerId: string }> {
  const holdings = checkBackup(backup);
  let aside: string | null = null;
  if (existsSync(live)) {
    ensureClosed(live);
    aside = `${live}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(live, aside);
    // Left by a crash rather than a clean stop: they belong with the file they were beside.
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(`${live}${suffix}`)) renameSync(`${live}${suffix}`, `${aside}${suffix}`);
  }
  // On a new machine (the old disk is lost) the data folder may not be there yet.
  mkdirSync(dirname(live), { recursive: true });
  copyFileSync(backup, live, constants.COPYFILE_EXCL);
  const db = await openDatabase({ file: live });
  try {
    const ledgerId = await renewLedgerId(db);
    return { ...holdings, aside, ledgerId };
  } finally {
    await db.close();
  }
}
