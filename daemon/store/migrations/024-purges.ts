import type { Migration } from './types.js';

/** One row per retention run (policy 424.4): what was deleted, what holds kept, and what is now the oldest read. */
export const purgesMigration: Migration = {
  id: 24,
  name: 'purge records',
  up(db) {
    db.exec(`
      CREATE TABLE purge_runs (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        window_days INTEGER NOT NULL,
        cutoff INTEGER NOT NULL,
        reads_deleted INTEGER NOT NULL,
        crops_deleted INTEGER NOT NULL,
        hits_deleted INTEGER NOT NULL,
        kept_under_hold INTEGER NOT NULL,
        oldest_remaining INTEGER,
        batches INTEGER NOT NULL,
        longest_batch_ms REAL NOT NULL,
        outcome TEXT NOT NULL DEFAULT 'complete' CHECK (outcome IN ('complete', 'stopped', 'failed'))
      );
      CREATE INDEX purge_runs_by_time ON purge_runs (started_at);
    `);
  },
};
