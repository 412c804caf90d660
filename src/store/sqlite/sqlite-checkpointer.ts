import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs in the worker: its own connection to the file, a PASSIVE checkpoint every `intervalMs`. A PASSIVE
 * checkpoint never waits for, nor blocks, the writer; the WAL restarts from its start by itself once
 * everything in it is in the database file.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
`;

export interface SqliteCheckpointer {
  /** Resolves once the worker has closed its connection (so the writer's close can remove the WAL). */
  stop(): Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. With the default automatic checkpoint, the commit
 * that crosses 1,000 WAL pages copies them into the database file and fsyncs twice, on the thread that
 * runs everything else: under a send load about one commit in 60 took 5–15 ms, half of all commit time.
 * A worker thread checkpoints instead; the writer's own automatic checkpoint stays as a far-off fallback.
 */
export function startSqliteCheckpointer(filename: string, intervalMs = 100): SqliteCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { filename, driver, intervalMs } });
  worker.unref();
  // A failed worker only means checkpoints fall back to the writer's own automatic ones.
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.ref(); // keep the process alive until the worker has closed its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}
