import type { Db } from './database.js';

/** One retention run, as the audit report shows it (policy 424.4). */
export interface PurgeRecord {
  id?: number;
  startedAt: number;
  finishedAt: number;
  windowDays: number;
  cutoff: number;
  readsDeleted: number;
  cropsDeleted: number;
  hitsDeleted: number;
  keptUnderHold: number;
  oldestRemaining: number | null;
  batches: number;
  longestBatchMs: number;
  outcome: 'complete' | 'stopped' | 'failed';
}

interface Row {
  id: number;
  started_at: number;
  finished_at: number;
  window_days: number;
  cutoff: number;
  reads_deleted: number;
  crops_deleted: number;
  hits_deleted: number;
  kept_under_hold: number;
  oldest_remaining: number | null;
  batches: number;
  longest_batch_ms: number;
  outcome: PurgeRecord['outcome'];
}

export class PurgeRecordStore {
  /** @param db an open database (migrations applied). */
  constructor(private readonly db: Db) {}

  add(p: PurgeRecord): PurgeRecord {
    const id = Number(
      this.db
        .prepare(`INSERT INTO purge_runs (started_at, finished_at, window_days, cutoff, reads_deleted, crops_deleted, hits_deleted, kept_under_hold, oldest_remaining, batches, longest_batch_ms, outcome)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(
          p.startedAt,
          p.finishedAt,
          p.windowDays,
          p.cutoff,
          p.readsDeleted,
          p.cropsDeleted,
          p.hitsDeleted,
          p.keptUnderHold,
          p.oldestRemaining,
          p.batches,
          p.longestBatchMs,
          p.outcome,
        ).lastInsertRowid,
    );
    return { ...p, id };
  }

  between(from: number, to: number): PurgeRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM purge_runs WHERE started_at >= ? AND started_at < ? ORDER BY id')
        .all(from, to) as Row[]
    ).map((r) => ({
      id: r.id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      windowDays: r.window_days,
      cutoff: r.cutoff,
      readsDeleted: r.reads_deleted,
      cropsDeleted: r.crops_deleted,
      hitsDeleted: r.hits_deleted,
      keptUnderHold: r.kept_under_hold,
      oldestRemaining: r.oldest_remaining,
      batches: r.batches,
      longestBatchMs: r.longest_batch_ms,
      outcome: r.outcome,
    }));
  }
}
