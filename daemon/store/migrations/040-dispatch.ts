import type { Migration } from './types.js';

/**
 * The dispatch console's own tables, on top of the unit's schema (reads, hits, users, audit log):
 * each unit it hears from, with its retained status and newest health, and which unit (and
 * camera name) each received read came from. A read's origin goes with the read (purge, 424.4).
 */
export const dispatchMigration: Migration = {
  id: 40,
  name: 'dispatch console: units and read origins',
  up(db) {
    db.exec(`
      CREATE TABLE dispatch_units (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL DEFAULT 'unknown' CHECK (state IN ('online', 'offline', 'unknown')),
        since INTEGER,
        last_seen INTEGER NOT NULL,
        status_json TEXT,
        health_json TEXT
      );
      CREATE TABLE dispatch_read_origins (
        read_id TEXT PRIMARY KEY REFERENCES reads (id) ON DELETE CASCADE,
        unit_id TEXT NOT NULL,
        camera_name TEXT NOT NULL
      );
      CREATE INDEX dispatch_read_origins_by_unit ON dispatch_read_origins (unit_id);
    `);
  },
};
