import type { Migration } from './types.js';

/**
 * Releases of data to other agencies (policy 424.4, 424.5(d)) and non-law-enforcement records
 * requests (424.5(a)). Both are registers: rows are added and annotated, never deleted.
 */
export const releasesRecordsMigration: Migration = {
  id: 23,
  name: 'releases and records requests',
  up(db) {
    db.exec(`
      CREATE TABLE releases (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        agency TEXT NOT NULL,
        agency_level TEXT NOT NULL CHECK (agency_level IN ('local', 'state', 'federal', 'prosecutor')),
        requesting_officer TEXT NOT NULL,
        legal_basis TEXT NOT NULL,
        case_number TEXT NOT NULL,
        purpose_category TEXT NOT NULL,
        what TEXT NOT NULL,
        package_id TEXT,
        attorney_notified_by TEXT,
        attorney_notified_at INTEGER
      );
      CREATE INDEX releases_by_time ON releases (at);
      CREATE TABLE records_requests (
        id INTEGER PRIMARY KEY,
        received_at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        requester TEXT NOT NULL,
        organization TEXT NOT NULL DEFAULT '',
        contact TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL,
        routed_to_role TEXT NOT NULL DEFAULT 'records_manager',
        status TEXT NOT NULL DEFAULT 'referred' CHECK (status IN ('referred', 'in_progress', 'closed')),
        handled_by TEXT,
        resolution TEXT,
        closed_at INTEGER
      );
      CREATE TABLE evidence_exports (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        exported_by TEXT NOT NULL,
        case_number TEXT NOT NULL,
        purpose_category TEXT NOT NULL,
        target TEXT NOT NULL,
        reads INTEGER NOT NULL,
        hits INTEGER NOT NULL,
        crops INTEGER NOT NULL,
        manifest_sha256 TEXT NOT NULL
      );
    `);
  },
};
