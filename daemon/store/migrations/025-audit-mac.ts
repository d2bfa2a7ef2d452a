import type { Migration } from './types.js';

/**
 * The keyed audit chain. A plain hash chain can be recomputed by anyone who can write the file, so
 * each entry written with the unit's audit key also carries `mac` = HMAC-SHA-256(key, prev_mac ||
 * entry) and the `prev_mac` it was computed over (so one entry can be checked on its own, which
 * tells a renumbered or inserted entry from a deleted one). Entries written before the key was
 * installed keep `mac` NULL and are still hash-checked. `audit_head.seal` is an HMAC over the
 * head's seq and MAC: an earlier head cannot be restored without the key.
 */
export const auditMacMigration: Migration = {
  id: 25,
  name: 'keyed audit chain',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log ADD COLUMN prev_mac TEXT;
      ALTER TABLE audit_log ADD COLUMN mac TEXT;
      ALTER TABLE audit_head ADD COLUMN mac TEXT;
      ALTER TABLE audit_head ADD COLUMN seal TEXT;
      ALTER TABLE audit_anchor ADD COLUMN prev_mac TEXT;
    `);
  },
};
