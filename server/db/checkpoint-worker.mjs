// Entry of the SQLite checkpoint thread (see checkpointer.ts). Plain JavaScript: it only needs
// better-sqlite3, and starts the same way under `npm start`, vitest and the benchmarks.
//
// On each message from the connection's thread ("there are new commits"), it copies the WAL into
// the database file with a PASSIVE checkpoint, at most once per `gapMs`: PASSIVE never waits for
// and never blocks the writer. It answers each checkpoint with SQLite's figures.
import { clearTimeout, setTimeout } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const db = new BetterSqlite3(workerData.file, { fileMustExist: true });
let last = 0;
let timer = null;

function checkpoint() {
  timer = null;
  last = Date.now();
  const [row] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage({ busy: row.busy, log: row.log, checkpointed: row.checkpointed });
}

parentPort.on('message', (message) => {
  if (message === 'close') {
    if (timer !== null) clearTimeout(timer);
    db.close();
    parentPort.close();
    return;
  }
  if (timer !== null) return;
  timer = setTimeout(checkpoint, Math.max(0, last + workerData.gapMs - Date.now()));
});
