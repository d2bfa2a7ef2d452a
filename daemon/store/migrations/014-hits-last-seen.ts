import type { Migration } from './types.js';

/**
 * A hit remembers the last time its plate was seen: when the same plate matches the same entry
 * at the same camera again within hotlists.repeat_window_s (a pass the tracker split in two, a car
 * waiting at a light), the first hit is updated (`last_seen_at`, `repeats`) instead of a second
 * hit and a second alert being raised. Existing hits take their read's last sighting.
 */
export const hitsLastSeenMigration: Migration = {
  id: 14,
  name: 'hits: last sighting and repeats',
  up(db) {
    db.exec(`
      ALTER TABLE hits ADD COLUMN last_seen_at INTEGER;
      ALTER TABLE hits ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
      UPDATE hits SET last_seen_at = COALESCE((SELECT last_seen FROM reads WHERE reads.id = hits.read_id), created_at);
      CREATE INDEX hits_by_plate ON hits (plate, camera_id, last_seen_at);
    `);
  },
};
