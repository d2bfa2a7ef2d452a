import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

export type CheckpointMode = 'PASSIVE' | 'RESTART' | 'TRUNCATE';
export interface CheckpointResult {
  ms: number;
  busy: boolean;
  /** A RESTART or TRUNCATE pass ran (it briefly holds writers back). */
  restarted?: boolean;
}

/** Copies WAL pages back into the database file. A port so the purge can do it off the event loop. */
export interface Checkpointer {
  /**
   * PASSIVE copies WAL pages back beside writers (the worker implementation follows with a RESTART
   * when the WAL has grown large); RESTART then copies the few pages committed meanwhile (holding
   * writers back only for that) so the WAL starts over; TRUNCATE also empties the WAL file.
   * `busy` is true when it could not finish now (a later call retries).
   */
  checkpoint(mode: CheckpointMode): Promise<CheckpointResult>;
  close(): Promise<void>;
}

/** Checkpoints on the caller's connection (in-memory databases, tests). */
export class InlineCheckpointer implements Checkpointer {
  constructor(private readonly db: Db) {}
  async checkpoint(mode: CheckpointMode): Promise<CheckpointResult> {
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
const db = new Database(workerData.file, { fileMustExist: true });
// No busy wait: a TRUNCATE that waits blocks new writers meanwhile; if busy, the next run tries again.
db.pragma('busy_timeout = 0');
// As the daemon's connection: the database file is synced at each checkpoint, the WAL is not synced first.
db.pragma('synchronous = NORMAL');
parentPort.on('message', (mode) => {
  if (mode === 'close') { db.close(); parentPort.close(); return; }
  const t0 = performance.now();
  let busy = false;
  let restarted = false;
  try {
    // The bulk copy (and its fsync) runs PASSIVE, beside writers. Under steady ingest a PASSIVE
    // pass may never catch up with the frames committed meanwhile, so the WAL would never start
    // over and grows by gigabytes during a big purge. Once it holds more than restartFrames, a
    // RESTART pass follows: it has only the frames committed since to copy, holds the write lock
    // for just that (and an fsync), and lets the next writer start the WAL from its beginning.
    // busy_timeout 0: if it cannot have the locks right now it gives up (busy) rather than hold
    // writers back while it waits; a later call retries.
    let r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (!r.busy && (mode !== 'PASSIVE' || r.log > workerData.restartFrames)) {
      r = db.pragma('wal_checkpoint(' + (mode === 'PASSIVE' ? 'RESTART' : mode) + ')')[0];
      restarted = true;
    }
    busy = Boolean(r.busy);
  } catch (e) { busy = true; }
  parentPort.postMessage({ ms: performance.now() - t0, busy, restarted });
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

  /**
   * @param file the database file (`db.name`).
   * @param restartFrames WAL size (4 KiB frames) above which a PASSIVE call also restarts the WAL.
   */
  constructor(file: string, restartFrames = 4096) {
    const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, sqlitePath, restartFrames } });
    this.worker.unref();
  }

  checkpoint(mode: CheckpointMode): Promise<CheckpointResult> {
    const run = (): Promise<CheckpointResult> =>
      new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        this.worker.once('error', onError);
        this.worker.once('message', (m: CheckpointResult) => {
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
  return db.memory || db.name === ':memory:' || db.name === ''
    ? new InlineCheckpointer(db)
    : new WorkerCheckpointer(db.name);
}

/**
 * Stops commits on `db` from checkpointing inline (a long purge's checkpointer does it between
 * batches, off the event loop); the returned function puts the connection's setting back.
 */
export function pauseAutoCheckpoint(db: Db): () => void {
  const autoCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('wal_autocheckpoint = 0');
  return () => {
    db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
  };
}
