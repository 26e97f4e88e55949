/**
 * Runs precheckSync (the JSON, schemas and hashes of a sync batch) on threads of its own, so that
 * the main thread, which owns the database connection and the member states, only writes: while
 * it writes one batch, the next is being checked on another core. About a fifth of the main
 * thread's time per event at ingest was this work (docs/decisions/0011).
 *
 * The check is pure, so a thread that fails costs nothing but speed: its jobs, and every job
 * after it, are checked on the main thread instead.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { precheckSync, type PrecheckedSync } from './precheck';

interface Slot {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
}

interface Job {
  readonly raw: string | Uint8Array;
  readonly resolve: (result: PrecheckedSync) => void;
  readonly reject: (error: unknown) => void;
}

/** Answers a job on the main thread (a throw there is the request's error, as without threads). */
function checkHere(job: Job): void {
  try {
    job.resolve(precheckSync(job.raw));
  } catch (error) {
    job.reject(error);
  }
}

/** Threads by default: the cores but one (the main thread's), at most 4; none on one core. */
export function defaultSyncThreads(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.LOYALTY_SYNC_THREADS;
  if (set !== undefined && set !== '') {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 0 || n > 64)
      throw new Error(`LOYALTY_SYNC_THREADS must be a whole number from 0 to 64, got ${set}`);
    return n;
  }
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

export class Prechecker {
  private static readonly pools = new Map<number, Prechecker>();
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private failed = false;
  /** Batches answered by a thread (the rest, on the main thread). */
  checkedOnThreads = 0;

  /** A pool of its own (the app uses `shared`); `entry` is the thread's script. */
  constructor(
    readonly threads: number,
    private readonly entry: URL = new URL('./precheck-worker.mjs', import.meta.url),
  ) {}

  /**
   * The process's pool of `threads` threads (0: everything on the main thread). Threads start at
   * the first batch, are shared by every app of the process, and never keep it alive when idle.
   */
  static shared(threads: number): Prechecker {
    let pool = Prechecker.pools.get(threads);
    if (!pool) {
      pool = new Prechecker(threads);
      Prechecker.pools.set(threads, pool);
    }
    return pool;
  }

  /** True while the checks run on threads (false: none asked for, or a thread failed). */
  get threaded(): boolean {
    return this.threads > 0 && !this.failed;
  }

  /** Starts the threads now rather than at the first batch (a thread takes ~0.2 s to load). */
  start(): void {
    while (this.threaded && this.slots.length < this.threads) this.spawn();
  }

  /**
   * Checks a batch; on a thread when `offload` (the caller says whether the main thread has other
   * work meanwhile: handing a lone batch to a thread and back only adds two thread wake-ups).
   * Bytes cross to the thread as a copy of their memory; a string would be serialized there,
   * which on the main thread's large heap cost several times as much (decision 0011).
   */
  check(raw: string | Uint8Array, offload = true): Promise<PrecheckedSync> {
    if (!offload || !this.threaded) return Promise.resolve(precheckSync(raw));
    const slot = this.pick();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (slot.jobs.size === 0) slot.worker.ref();
      slot.jobs.set(id, { raw, resolve, reject });
      slot.worker.postMessage({ id, raw });
    });
  }

  /** The thread with the fewest jobs waiting; a new one while there are fewer than asked for. */
  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.jobs.size < best.jobs.size) best = s;
    if (best && (best.jobs.size === 0 || this.slots.length >= this.threads)) return best;
    return this.spawn();
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry);
    worker.unref();
    const slot: Slot = { worker, jobs: new Map() };
    worker.on('message', (m: { id: number; result?: PrecheckedSync; error?: string }) => {
      const job = slot.jobs.get(m.id);
      if (!job) return;
      slot.jobs.delete(m.id);
      if (slot.jobs.size === 0) worker.unref();
      if (m.result) {
        this.checkedOnThreads += 1;
        job.resolve(m.result);
      } else checkHere(job);
    });
    const fail = (why: unknown): void => {
      if (!this.failed)
        console.error('sync precheck thread failed; checking on the main thread:', why);
      this.failed = true;
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      for (const job of slot.jobs.values()) checkHere(job);
      slot.jobs.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }
}
