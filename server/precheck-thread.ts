/** A precheck thread (started by prechecker.ts through precheck-worker.mjs): requests in, answers out. */
import { parentPort } from 'node:worker_threads';
import { precheckSync } from './precheck';

export interface PrecheckJob {
  readonly id: number;
  /** The request body: its bytes (as POST /sync hands it over) or its text. */
  readonly raw: string | Uint8Array;
}

const port = parentPort;
if (port) {
  port.on('message', (job: PrecheckJob) => {
    try {
      port.postMessage({ id: job.id, result: precheckSync(job.raw) });
    } catch (error) {
      // Not expected (precheckSync answers bad input itself): the main thread runs it again.
      port.postMessage({ id: job.id, error: String(error) });
    }
  });
}
