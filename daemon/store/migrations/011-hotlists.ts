import type { Migration } from './types.js';

/**
 * Hotlist bookkeeping. `hotlist_versions` records every fetch of every source (counts, rejected
 * rows, when) so an auditor can tell which list a hit came from; the list rows themselves live in
 * a cached copy of the file (a 1,000,000-row list loads faster from its file than from SQLite).
 * `as_of` is when the content was last known current (download or 304 time for a URL, the
 * file's modification time for a file); a list's age is measured from it.
 * `hotlist_local_entries` holds entries made on the unit; they are never touched by a list
 * refresh, and a removal is a stamp rather than a delete so the record of who did what survives.
 * `retro_claimed_at` is set by whichever process (daemon or CLI) runs the entry's retrospective
 * match, with a conditional UPDATE, so it runs once.
 */
export const hotlistsMigration: Migration = {
  id: 11,
  name: 'hotlist versions and local entries',
  up(db) {
    db.exec(`
      CREATE TABLE hotlist_versions (
        id TEXT PRIMARY KEY,
        source_id TEXT NOT NULL,
        format TEXT NOT NULL,
        origin TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('loaded', 'refused', 'failed')),
        rows_total INTEGER NOT NULL DEFAULT 0,
        rows_loaded INTEGER NOT NULL DEFAULT 0,
        rows_rejected INTEGER NOT NULL DEFAULT 0,
        errors_json TEXT NOT NULL DEFAULT '[]',
        message TEXT NOT NULL DEFAULT '',
        etag TEXT,
        last_modified TEXT,
        sha256 TEXT,
        as_of INTEGER NOT NULL
      );
      CREATE INDEX hotlist_versions_by_source ON hotlist_versions (source_id, fetched_at);
      CREATE TABLE hotlist_local_entries (
        id TEXT PRIMARY KEY,
        plate TEXT NOT NULL,
        state TEXT,
        category TEXT NOT NULL,
        reason TEXT NOT NULL,
        case_number TEXT,
        notes TEXT NOT NULL DEFAULT '',
        expires INTEGER,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        removed_at INTEGER,
        removed_by TEXT,
        retro_claimed_at INTEGER
      );
      CREATE INDEX hotlist_local_live ON hotlist_local_entries (removed_at, expires);
    `);
  },
};
