import type { Migration } from './types.js';

/**
 * The durable MQTT outbox. A hit and its message commit in one transaction; the publisher sends
 * rows in `seq` order and deletes one only after the broker's PUBACK, so neither a lost uplink nor
 * a SIGKILL loses a hit. `ref_id` is the hit or read id, so a purge or
 * an audit can find the message for a row.
 */
export const outboxMigration: Migration = {
  id: 12,
  name: 'mqtt outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        ref_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL,
        qos INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_by_ref ON outbox (ref_id);
    `);
  },
};
