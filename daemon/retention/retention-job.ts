import { performance } from 'node:perf_hooks';
import type { Logger } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import type { Db } from '../store/database.js';
import { AuditLog } from '../store/audit-log.js';
import { ExpiredReadStore, type PurgeCursor } from '../store/expired-reads.js';
import { HoldStore } from '../store/holds.js';
import { PurgeRecordStore, type PurgeRecord } from '../store/purge-records.js';
import type { RetentionConfig } from './config.js';
import { cutoffFor, decide, DAY_MS, type ReadFacts } from './retention-policy.js';
import { checkpointerFor, pauseAutoCheckpoint, type Checkpointer } from '../store/wal-checkpointer.js';
import { transactionsOn } from '../store/transactions.js';

export interface RetentionJobDeps {
  db: Db;
  clock: Clock;
  config: RetentionConfig;
  /** access.audit_retention_days: the audit log's own, much longer, retention. */
  auditRetentionDays: number;
  log: Logger;
  /** Where WAL checkpoints run; default: a worker thread with its own connection (see wal-checkpointer.ts). */
  checkpointer?: Checkpointer;
  /** Called after each scheduled run (the record, or the error), e.g. for health metrics. */
  onRunFinished?: (result: PurgeRecord | Error) => void;
}

/**
 * Batches between WAL checkpoints: a PASSIVE pass copies pages back beside ingest; when the WAL
 * has grown past a few MB anyway (steady ingest keeps it from starting over), the checkpointer
 * follows with a short RESTART pass (see wal-checkpointer.ts).
 */
const CHECKPOINT_EVERY = 4;

const SYSTEM = { username: 'system', role: 'system' } as const;

interface PurgeTotals {
  reads: number;
  crops: number;
  hits: number;
  held: number;
  batches: number;
  longestMs: number;
  longestCheckpointMs: number;
  outcome: PurgeRecord['outcome'];
}

/**
 * Lets other work run between batches: this thread's event loop (ingest, MQTT, HTTP), and writers
 * on other connections, whose busy handler polls at growing intervals (1, 2, 5, 10, 15, 20, 25 ms)
 * and would otherwise keep missing the short moments the lock is free.
 * A raw timer, not the Clock: it yields real time to those busy handlers, and a ManualClock would
 * stall a purge after its first batch (the schedule between runs does use the Clock).
 */
const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

/**
 * The 21-day purge (policy 424.4): at start and every `interval_minutes`, deletes reads (their
 * crops and hits go by ON DELETE CASCADE) last seen before the window unless an evidence hold
 * covers them, in batches of `batch_size` so each write transaction is a few milliseconds and
 * ingest never waits long; then writes a purge record and an audit entry, and checkpoints the WAL.
 * Also trims the audit log past its own retention (years) and expired sessions.
 */
export class RetentionJob {
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readonly log: Logger;
  private expiredStore: ExpiredReadStore | undefined;

  /** Stores dependencies only; start() begins the schedule. */
  constructor(private readonly deps: RetentionJobDeps) {
    this.log = deps.log.child({ component: 'retention' });
  }

  /** The purge's SQL (store/expired-reads.ts), prepared at the first run. */
  private get expired(): ExpiredReadStore {
    this.expiredStore ??= new ExpiredReadStore(this.deps.db);
    return this.expiredStore;
  }

  /**
   * Begins the schedule: a run right away (in the background, so a large backlog after a long
   * power-off does not hold up the daemon's start), then one every interval, until stop() or
   * `signal` aborts.
   */
  start(signal?: AbortSignal): void {
    this.abort = new AbortController();
    const inner = this.abort.signal;
    signal?.addEventListener('abort', () => this.abort?.abort(), { once: true });
    this.loop = (async () => {
      while (!inner.aborted) {
        await this.runSafely(inner);
        if (inner.aborted) break;
        await this.deps.clock.sleep(this.deps.config.interval_minutes * 60_000, inner);
      }
    })();
  }

  /** Stops after the batch in hand; the remaining expired reads go in the next run. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
  }

  private async runSafely(signal: AbortSignal): Promise<void> {
    try {
      const record = await this.runOnce(this.deps.clock.now(), signal);
      this.deps.onRunFinished?.(record);
    } catch (err) {
      this.log.error({ err }, 'purge run failed; the next run retries');
      this.deps.onRunFinished?.(err as Error);
    }
  }

  /** One purge pass as of `now`. Exposed for tests and the bench. */
  async runOnce(now: number, signal?: AbortSignal): Promise<PurgeRecord> {
    const { db, config } = this.deps;
    const cutoff = cutoffFor(now, config.days);
    const startedAt = performance.now();
    const checkpointer = this.deps.checkpointer ?? checkpointerFor(db);
    // While the purge runs, no commit on this connection (ours or ingest's) checkpoints inline:
    // the checkpointer does it between batches, off the event loop.
    const resumeAutoCheckpoint = pauseAutoCheckpoint(db);
    try {
      const totals = await this.deleteExpired(now, cutoff, checkpointer, signal);
      const saved = this.recordRun(now, cutoff, startedAt, totals);
      this.trimAuditLogAndSessions(now);
      // Copy the rest back and let the WAL file shrink to nothing (skipped if ingest is mid-write).
      const truncate = await checkpointer.checkpoint('TRUNCATE');
      this.log.info(
        { ...saved, longest_checkpoint_ms: Math.round(totals.longestCheckpointMs), wal_truncated: !truncate.busy },
        'purge run finished',
      );
      return saved;
    } finally {
      resumeAutoCheckpoint();
      if (!this.deps.checkpointer) await checkpointer.close();
    }
  }

  private recordRun(now: number, cutoff: number, startedAt: number, totals: PurgeTotals): PurgeRecord {
    const { db, config } = this.deps;
    const oldest = this.expired.oldestLastSeen();
    const record: PurgeRecord = {
      startedAt: now,
      finishedAt: now + Math.round(performance.now() - startedAt),
      windowDays: config.days,
      cutoff,
      readsDeleted: totals.reads,
      cropsDeleted: totals.crops,
      hitsDeleted: totals.hits,
      keptUnderHold: totals.held,
      oldestRemaining: oldest,
      batches: totals.batches,
      longestBatchMs: Math.round(totals.longestMs * 100) / 100,
      outcome: totals.outcome,
    };
    return transactionsOn(db).immediate(() => {
      const r = new PurgeRecordStore(db).add(record);
      new AuditLog(db).append({
        at: now,
        ...SYSTEM,
        action: 'purge',
        outcome: 'allowed',
        resultCount: r.readsDeleted,
        query: { window_days: config.days, cutoff },
        detail: {
          purge_id: r.id,
          crops_deleted: r.cropsDeleted,
          hits_deleted: r.hitsDeleted,
          kept_under_hold: r.keptUnderHold,
          oldest_remaining: oldest,
          outcome: r.outcome,
        },
      });
      return r;
    });
  }

  /** Walks expired reads oldest first with a (last_seen, rowid) cursor, so held reads are passed once, not re-read. */
  private async deleteExpired(
    now: number,
    cutoff: number,
    checkpointer: Checkpointer,
    signal?: AbortSignal,
  ): Promise<PurgeTotals> {
    const { db, config } = this.deps;
    const holds = new HoldStore(db);
    const ranges = holds.activeRanges(now);
    let cursor: PurgeCursor = { lastSeen: -Infinity, rowid: 0 };
    const totals: PurgeTotals = {
      reads: 0,
      crops: 0,
      hits: 0,
      held: 0,
      batches: 0,
      longestMs: 0,
      longestCheckpointMs: 0,
      outcome: 'complete',
    };
    for (;;) {
      if (signal?.aborted) {
        totals.outcome = 'stopped';
        break;
      }
      const rows = this.expired.batchAfter(cutoff, cursor, config.batch_size);
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!;
      cursor = { lastSeen: last.last_seen, rowid: last.rowid };
      const facts: (ReadFacts & { rowid: number })[] = rows.map((r) => ({
        rowid: r.rowid,
        id: r.id,
        plate: r.plate,
        cameraId: r.camera_id,
        lastSeen: r.last_seen,
      }));
      const heldIds = holds.heldAmong(
        facts.map((f) => f.id),
        now,
      );
      const discard: number[] = [];
      for (const f of facts) {
        const d = decide(f, cutoff, { heldIds, ranges });
        if (d === 'discard') discard.push(f.rowid);
        else if (d === 'held') totals.held++;
      }
      if (discard.length) {
        const t0 = performance.now();
        const counted = this.deleteBatch(discard);
        totals.longestMs = Math.max(totals.longestMs, performance.now() - t0);
        totals.reads += counted.reads;
        totals.crops += counted.crops;
        totals.hits += counted.hits;
        totals.batches++;
        if (totals.batches % CHECKPOINT_EVERY === 0) {
          totals.longestCheckpointMs = Math.max(
            totals.longestCheckpointMs,
            (await checkpointer.checkpoint('PASSIVE')).ms,
          );
        }
      }
      await pause(config.pause_ms);
    }
    return totals;
  }

  private deleteBatch(rowids: number[]): { reads: number; crops: number; hits: number } {
    return this.expired.deleteReads(rowids);
  }

  private trimAuditLogAndSessions(now: number): void {
    const { db, auditRetentionDays } = this.deps;
    const trimmed = new AuditLog(db).purgeBefore(now - auditRetentionDays * DAY_MS, SYSTEM, now);
    if (trimmed)
      this.log.info(
        { entries: trimmed, retention_days: auditRetentionDays },
        'audit log entries past their retention removed',
      );
    this.expired.deleteExpiredSessions(now);
  }
}
