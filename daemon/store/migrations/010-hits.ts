import type { Migration } from './types.js';

/**
 * Hits: a read that matched a hotlist entry. The matched entry is copied (`entry_json`) so a hit
 * still says why it fired after the list has changed. Every hit starts `unverified` (policy
 * 424.3(f)); `verified_*` record who confirmed or rejected it with the state bureau, and when.
 * A hit dies with its read (purge, 424.4); an evidence hold keeps the read and so the hit.
 */
export const hitsMigration: Migration = {
  id: 10,
  name: 'hits',
  up(db) {
    db.exec(`
      CREATE TABLE hits (
        id TEXT PRIMARY KEY,
        read_id TEXT NOT NULL REFERENCES reads (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        camera_id TEXT NOT NULL,
        plate TEXT NOT NULL,
        state TEXT,
        category TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        entry_json TEXT NOT NULL,
        match_kind TEXT NOT NULL,
        state_confirmed INTEGER NOT NULL DEFAULT 1,
        retrospective INTEGER NOT NULL DEFAULT 0,
        list_version TEXT NOT NULL DEFAULT '',
        list_age_s INTEGER,
        status TEXT NOT NULL DEFAULT 'unverified' CHECK (status IN ('unverified', 'confirmed', 'rejected')),
        verified_by TEXT,
        verified_at INTEGER,
        verification_ref TEXT,
        verification_note TEXT
      );
      CREATE INDEX hits_by_time ON hits (created_at);
      CREATE INDEX hits_by_read ON hits (read_id);
      CREATE INDEX hits_by_status ON hits (status, created_at);
    `);
  },
};
