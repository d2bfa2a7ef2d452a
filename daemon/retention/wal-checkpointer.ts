import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/database.js';

export type CheckpointMode = 'PASSIVE' | 'RESTART' | 'TRUNCATE';

/** Copies WAL pages back into the database file. A port so the purge can do it off the event loop. */
export interface Checkpointer {
  /**
   * PASSIVE copies WAL pages back beside writers; RESTART then copies the few pages committed
   * meanwhile (holding writers back only for that) so the WAL starts over; TRUNCATE also empties
   * the WAL file. `busy` is true when it could not finish now (a later call retries).
   */
  checkpoint(mode: CheckpointMode): Promise<{ ms: number; busy: boolean }>;
  close(): Promise<void>;
}

/** Checkpoints on the caller's connection (in-memory databases, tests). */
export class InlineCheckpointer implements Checkpointer {
  constructor(private readonly db: Db) {}
  async checkpoint(mode: CheckpointMode): Promise<{ ms: number; busy: boolean }> {
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
// As the daemon's connection: the database file is synced at each checkpoint, the WAL is not synced first.
db.pragma('synchronous = NORMAL');
parentPort.on('message', (mode) => {
  if (mode === 'close') { db.close(); parentPort.close(); return; }
  const t0 = performance.now();
  let busy = false;
  try {
    // The bulk copy (and its fsync) runs PASSIVE, beside writers. Under steady ingest a PASSIVE
    // pass never catches up with the frames committed meanwhile, so the WAL would never start
    // over and grows by gigabytes during a big purge; the RESTART/TRUNCATE pass that follows has
    // only those few frames left to copy, holds the write lock for just that long, and lets the
    // next writer start the WAL from its beginning. busy_timeout 0: if it cannot have the locks
    // right now it gives up (busy) rather than hold writers back while it waits.
    let r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (mode !== 'PASSIVE' && !r.busy) r = db.pragma('wal_checkpoint(' + mode + ')')[0];
    busy = Boolean(r.busy);
  } catch (e) { busy = true; }
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

  checkpoint(mode: CheckpointMode): Promise<{ ms: number; busy: boolean }> {
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
