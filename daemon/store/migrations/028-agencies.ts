import type { Migration } from './types.js';
import { widenCheck } from './schema-edit.js';

/**
 * Agencies and what a release covers (policy 424.4). The agency registry, kept by
 * administrators, fixes each agency's level, so a release takes it from there, never from what
 * the user types. A release names the export or hold it covers. County Attorney notifications
 * are their own register, per case, checked against the case's first access in the audit log.
 */
export const agenciesMigration: Migration = {
  id: 28,
  name: 'agency registry, release coverage, attorney notifications',
  up(db) {
    widenCheck(
      db,
      'releases',
      "agency_level IN ('local', 'state', 'federal', 'prosecutor')",
      "agency_level IN ('local', 'state', 'federal', 'non-law-enforcement', 'prosecutor')",
    );
    db.exec(`
      CREATE TABLE agencies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        level TEXT NOT NULL CHECK (level IN ('local', 'state', 'federal', 'non-law-enforcement')),
        added_by TEXT NOT NULL,
        added_at INTEGER NOT NULL
      );
      ALTER TABLE releases ADD COLUMN agency_id INTEGER REFERENCES agencies (id);
      ALTER TABLE releases ADD COLUMN export_id TEXT;
      ALTER TABLE releases ADD COLUMN hold_id INTEGER;
      CREATE INDEX releases_by_case ON releases (case_number);
      CREATE TABLE attorney_notifications (
        id INTEGER PRIMARY KEY,
        case_number TEXT NOT NULL,
        notified_by TEXT NOT NULL,
        notified_at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX attorney_notifications_by_case ON attorney_notifications (case_number);
    `);
  },
};
