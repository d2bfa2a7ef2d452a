import type { Migration } from './types.js';

/**
 * What the in-car page records beside the hits: the deputy's disposition of a hit (correct read,
 * misread, wrong state, dismissed, and the action taken), and each user's authorization to see
 * the Colorado Bureau of Investigation's data (policy 424.3(g)), granted by an administrator with
 * a date and an optional expiry. A revoked grant stays on record with who revoked it and when.
 */
export const pageRecordsMigration: Migration = {
  id: 29,
  name: 'hit dispositions and CBI-data authorizations',
  up(db) {
    db.exec(`
      CREATE TABLE hit_dispositions (
        id INTEGER PRIMARY KEY,
        hit_id TEXT NOT NULL REFERENCES hits (id) ON DELETE CASCADE,
        value TEXT NOT NULL CHECK (value IN ('correct_read', 'misread', 'wrong_state', 'dismissed')),
        action_taken TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        recorded_by TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX hit_dispositions_by_hit ON hit_dispositions (hit_id, recorded_at);
      CREATE TABLE cbi_authorizations (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        granted_by TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_by TEXT,
        revoked_at INTEGER
      );
      CREATE INDEX cbi_authorizations_by_user ON cbi_authorizations (user_id, granted_at);
    `);
  },
};
