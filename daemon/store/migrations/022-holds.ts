import type { Migration } from './types.js';

/**
 * Evidence holds (policy 424.4): data that is or may become evidence escapes the 21-day purge.
 * A hold names specific reads (`hold_reads`) or a range (plate pattern, time window, camera).
 * Hold rows are never deleted: releasing a hold stamps `released_*`, so the audit report can show it.
 */
export const holdsMigration: Migration = {
  id: 22,
  name: 'evidence holds',
  up(db) {
    db.exec(`
      CREATE TABLE holds (
        id INTEGER PRIMARY KEY,
        case_number TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        scope_kind TEXT NOT NULL CHECK (scope_kind IN ('reads', 'range')),
        plate_pattern TEXT,
        from_ms INTEGER,
        to_ms INTEGER,
        camera_id TEXT,
        released_at INTEGER,
        released_by TEXT,
        release_reason TEXT
      );
      CREATE INDEX holds_by_case ON holds (case_number);
      CREATE TABLE hold_reads (
        hold_id INTEGER NOT NULL REFERENCES holds (id),
        read_id TEXT NOT NULL REFERENCES reads (id) ON DELETE CASCADE,
        PRIMARY KEY (hold_id, read_id)
      );
      CREATE INDEX hold_reads_by_read ON hold_reads (read_id);
    `);
  },
};
