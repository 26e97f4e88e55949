/**
 * SQLite's WAL checkpoints, on a thread of their own.
 *
 * In WAL mode a commit appends the changed pages to the -wal file; a checkpoint copies them into
 * the database file so that the WAL can start over. By default SQLite runs it inside the COMMIT
 * that takes the WAL past 1,000 pages, so every so often one till's sync waits for it: at ingest
 * it was about two thirds of COMMIT's time on the endpoint's only connection, and so on its main
 * thread (docs/decisions/0012).
 *
 * Here the connection's thread signals after its commits, and a second connection on another
 * thread checkpoints (PASSIVE: it never waits for the writer and never blocks it), at most once
 * per `gapMs`. The writer keeps a backstop: it still checkpoints by itself past BACKSTOP_PAGES,
 * should the thread fall behind. If the thread fails, the connection goes back to SQLite's
 * default, and this is logged once: a failed thread costs speed, never data.
 */
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** At most one checkpoint per this many milliseconds (each one syncs the database file). */
export const GAP_MS = 100;
/** The writer's own checkpoints start past this many WAL pages (about 40 MB) with the thread. */
export const BACKSTOP_PAGES = 10_000;
/** SQLite's default, for a connection without the thread. */
export const DEFAULT_PAGES = 1_000;

/** What `PRAGMA wal_checkpoint(PASSIVE)` answered on the thread. */
export interface CheckpointResult {
  /** 1 when the checkpoint could not run at all (another checkpoint held its lock). */
  readonly busy: number;
  /** Pages in the WAL. */
  readonly log: number;
  /** Pages of it now copied into the database file. */
  readonly checkpointed: number;
}

export class Checkpointer {
  private signalled = false;
  private failed = false;
  private closing = false;
  /** Checkpoints the thread has run, and the last one's figures. */
  checkpoints = 0;
  last: CheckpointResult | null = null;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly worker: Worker,
  ) {}

  /**
   * Takes over the checkpoints of `db`, a WAL connection to `file`; null (and the connection
   * checkpoints by itself, as by default) when no thread can be started. `entry` is the thread's
   * script (tests give one that fails).
   */
  static start(
    db: BetterSqlite3.Database,
    file: string,
    options: { entry?: URL; gapMs?: number } = {},
  ): Checkpointer | null {
    const entry = options.entry ?? new URL('./checkpoint-worker.mjs', import.meta.url);
    let worker: Worker;
    try {
      worker = new Worker(entry, { workerData: { file, gapMs: options.gapMs ?? GAP_MS } });
    } catch (error) {
      console.error(
        'SQLite checkpoint thread could not start; checkpoints run inside commits:',
        error,
      );
      return null;
    }
    worker.unref();
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    const c = new Checkpointer(db, worker);
    worker.on('message', (m: CheckpointResult) => {
      c.checkpoints += 1;
      c.last = m;
      c.signalled = false;
    });
    worker.on('error', (error) => c.fail(error));
    worker.on('exit', (code) => {
      if (!c.closing) c.fail(`exited with code ${code}`);
    });
    return c;
  }

  /** True while the thread runs the checkpoints. */
  get active(): boolean {
    return !this.failed && !this.closing;
  }

  /** Call after a commit: there are pages to checkpoint (one signal until the thread answers). */
  committed(): void {
    if (this.signalled || !this.active) return;
    this.signalled = true;
    this.worker.postMessage('commit');
  }

  private fail(why: unknown): void {
    if (this.failed) return;
    this.failed = true;
    console.error('SQLite checkpoint thread failed; checkpoints run inside commits again:', why);
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  }

  /** Stops the thread (its connection closes first, so the writer's close ends the WAL). */
  async close(): Promise<void> {
    if (!this.active) return;
    this.closing = true;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('close');
    // A thread stuck in a checkpoint (a stalled disk) must not hold the server's shutdown.
    const stuck = setTimeout(() => void this.worker.terminate(), 5_000);
    await exited;
    clearTimeout(stuck);
  }
}
