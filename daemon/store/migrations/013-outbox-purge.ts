import type { Migration } from './types.js';

/**
 * A queued message is ALPR data too (a hit message carries the plate crop): when the retention job
 * purges a hit or a read (policy 424.4, 21 days), its unsent outbox message goes with it, even if
 * the broker has been unreachable (or MQTT disabled) all that time.
 */
export const outboxPurgeMigration: Migration = {
  id: 13,
  name: 'outbox rows die with their hit or read',
  up(db) {
    db.exec(`
      CREATE TRIGGER outbox_purge_with_hit AFTER DELETE ON hits
      BEGIN DELETE FROM outbox WHERE ref_id = old.id AND kind = 'hit'; END;
      CREATE TRIGGER outbox_purge_with_read AFTER DELETE ON reads
      BEGIN DELETE FROM outbox WHERE ref_id = old.id AND kind = 'read'; END;
    `);
  },
};
