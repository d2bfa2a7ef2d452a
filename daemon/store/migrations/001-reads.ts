import type { Migration } from './types.js';

/**
 * Reads and their crops.
 *
 * Crops live as BLOBs in their own table rather than as files: a crop is 5-20 KB, where SQLite
 * reads and writes small blobs faster than the file system, and a read, its crop and its hold
 * then commit, purge and export in one transaction, so a power cut can never leave a read
 * without its picture or an orphan picture that escapes the 21-day purge (policy 424.4). Keeping
 * them out of `reads` keeps searches over millions of rows from paging picture bytes in.
 */
export const readsMigration: Migration = {
  id: 1,
  name: 'reads and crops',
  up(db) {
    db.exec(`
      CREATE TABLE reads (
        id TEXT PRIMARY KEY,
        camera_id TEXT NOT NULL,
        plate TEXT NOT NULL,
        state TEXT,
        confidence REAL NOT NULL,
        alternatives TEXT NOT NULL DEFAULT '[]',
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        frames INTEGER NOT NULL,
        box_x INTEGER NOT NULL, box_y INTEGER NOT NULL, box_w INTEGER NOT NULL, box_h INTEGER NOT NULL,
        frame_w INTEGER NOT NULL, frame_h INTEGER NOT NULL,
        location_text TEXT NOT NULL DEFAULT '',
        lat REAL, lon REAL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX reads_by_time ON reads (last_seen);
      CREATE INDEX reads_by_plate ON reads (plate, last_seen);
      CREATE INDEX reads_by_camera_time ON reads (camera_id, last_seen);
      CREATE TABLE read_crops (
        read_id TEXT PRIMARY KEY REFERENCES reads (id) ON DELETE CASCADE,
        jpeg BLOB NOT NULL
      );
    `);
  },
};
