import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/database.js';

/** Copies WAL pages back into the database file. A port so the purge can do it off the event loop. */
export interface Checkpointer {
  /** PASSIVE never blocks writers; TRUNCATE also empties the WAL file once every page is copied. */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): Promise<{ ms: number; busy: boolean }>;
  close(): Promise<void>;
}

/** Checkpoints on the caller's connection (in-memory databases, tests). */
export class InlineCheckpointer implements Checkpointer {
  constructor(private readonly db: Db) {}
  async checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): Promise<{ ms: number; busy: boolean }> {
    const t0 = performance.now();
    const [r] = this.db.pragma(`wal_checkpoint(${mode})`) as { busy: number }[];
    return { ms: performance.now() - t0, busy: Boolean(r?.busy) };
  }
  async close(): Promise<void> {}
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const Database = require(workerData.sqlitePath);
const db = new Database(workerData.file);
// No busy wait: a TRUNCATE that waits blocks new writers meanwhile; if busy, the next run tries again.
db.pragma('busy_timeout = 0');
parentPort.on('message', (mode) => {
  if (mode === 'close') { db.close(); parentPort.close(); return; }
  const t0 = performance.now();
  let busy = false;
  try { busy = Boolean(db.pragma('wal_checkpoint(' + mode + ')')[0].busy); } catch (e) { busy = true; }
  parentPort.postMessage({ ms: performance.now() - t0, busy });
});`;

/**
 * Checkpoints from a worker thread with its own connection. A checkpoint's page copy and fsync
 * take tens of milliseconds on a unit's flash; on the daemon's connection that would freeze its
 * event loop (and ingest) for as long. From another connection a PASSIVE checkpoint runs while
 * the daemon keeps writing.
 */
export class WorkerCheckpointer implements Checkpointer {
  private readonly worker: Worker;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param file the database file (`db.name`). */
  constructor(file: string) {
    const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, sqlitePath } });
    this.worker.unref();
  }

  checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): Promise<{ ms: number; busy: boolean }> {
    const run = (): Promise<{ ms: number; busy: boolean }> =>
      new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        this.worker.once('error', onError);
        this.worker.once('message', (m: { ms: number; busy: boolean }) => {
          this.worker.off('error', onError);
          resolve(m);
        });
        this.worker.postMessage(mode);
      });
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.worker.terminate();
  }
}

/** A worker-thread checkpointer for a database file, inline for `:memory:`. */
export function checkpointerFor(db: Db): Checkpointer {
  return db.memory || db.name === ':memory:' || db.name === '' ? new InlineCheckpointer(db) : new WorkerCheckpointer(db.name);
}
