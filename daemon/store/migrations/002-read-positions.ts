import type { Migration } from './types.js';

/**
 * Where each read was made and how that is known. A fixed camera's reads carry its configured
 * coordinates (`position_source` camera); a patrol car's carry its GPS position at the time of the
 * read's best frame (`best_seen`), with the fix's accuracy, speed, course, mode and age, or no
 * position and a `position_status` of no_fix or stale. `lat`/`lon` stay the columns a canvass
 * (424.3(d)) searches, now through an index of their own, so a patrol car's reads along its route
 * are found where they were made. Older reads that had camera coordinates are marked as such.
 */
export const readPositionsMigration: Migration = {
  id: 2,
  name: 'read positions',
  up(db) {
    db.exec(`
      ALTER TABLE reads ADD COLUMN best_seen INTEGER;
      ALTER TABLE reads ADD COLUMN accuracy_m REAL;
      ALTER TABLE reads ADD COLUMN speed_mps REAL;
      ALTER TABLE reads ADD COLUMN heading_deg REAL;
      ALTER TABLE reads ADD COLUMN fix_mode TEXT CHECK (fix_mode IN ('2d', '3d'));
      ALTER TABLE reads ADD COLUMN fix_age_s REAL;
      ALTER TABLE reads ADD COLUMN position_status TEXT CHECK (position_status IN ('ok', 'no_fix', 'stale'));
      ALTER TABLE reads ADD COLUMN position_source TEXT CHECK (position_source IN ('camera', 'gps'));
      UPDATE reads SET position_source = 'camera', position_status = 'ok' WHERE lat IS NOT NULL AND lon IS NOT NULL;
      CREATE INDEX reads_by_position ON reads (lat, lon, last_seen) WHERE lat IS NOT NULL;
    `);
  },
};
