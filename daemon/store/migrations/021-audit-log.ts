import type { Migration } from './types.js';

/**
 * The audit log (policy 424.5(b),(e)): append-only and hash-chained. Triggers refuse UPDATE and
 * DELETE so no code path can change history by mistake; the hash chain (each row's hash covers
 * the previous row's hash and its own content) and `audit_head` (last seq and hash) detect
 * deliberate edits, deletions and insertions made around the triggers. The only delete allowed is
 * the audit log's own retention (years, not days), which must first write a permit row in the same
 * transaction and moves `audit_anchor` so verification starts at the oldest kept row.
 */
export const auditLogMigration: Migration = {
  id: 21,
  name: 'audit log',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        username TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused', 'failed')),
        purpose_category TEXT,
        case_number TEXT,
        query TEXT NOT NULL DEFAULT '{}',
        result_count INTEGER NOT NULL DEFAULT 0,
        detail TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_by_time ON audit_log (at);
      CREATE INDEX audit_by_case ON audit_log (case_number);
      CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
      CREATE TABLE audit_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), first_seq INTEGER NOT NULL, prev_hash TEXT NOT NULL);
      CREATE TABLE audit_purge_permit (id INTEGER PRIMARY KEY CHECK (id = 1));
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
  },
};
