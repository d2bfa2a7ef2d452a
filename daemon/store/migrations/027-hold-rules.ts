import type { Migration } from './types.js';

const DAY_MS = 86_400_000;

/**
 * Holds that cannot switch off the purge (policy 424.4). Each hold gets a review date after which
 * it lapses unless renewed, and a range hold wider than the configured days protects nothing
 * until a second person approves it (`approval` = 'pending'). Holds made before this step: their
 * review date is a year after creation, a range no longer reaches past the day the hold was made
 * (it kept reads not yet taken), and a wide one is marked 'predates_rule' (still protecting, so an
 * upgrade destroys no evidence, but listed as broad in the audit report until released or approved).
 */
export const holdRulesMigration: Migration = {
  id: 27,
  name: 'hold approval and review dates',
  up(db) {
    db.exec(`
      ALTER TABLE holds ADD COLUMN approval TEXT NOT NULL DEFAULT 'not_needed'
        CHECK (approval IN ('not_needed', 'pending', 'approved', 'predates_rule'));
      ALTER TABLE holds ADD COLUMN approved_by TEXT;
      ALTER TABLE holds ADD COLUMN approved_at INTEGER;
      ALTER TABLE holds ADD COLUMN review_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE holds ADD COLUMN renewals INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE holds ADD COLUMN renewed_by TEXT;
      ALTER TABLE holds ADD COLUMN renewed_at INTEGER;
      ALTER TABLE holds ADD COLUMN renew_reason TEXT;
      UPDATE holds SET review_at = created_at + ${365 * DAY_MS};
      UPDATE holds SET to_ms = max(from_ms, created_at) WHERE scope_kind = 'range' AND to_ms > created_at;
      UPDATE holds SET approval = 'predates_rule' WHERE scope_kind = 'range' AND to_ms - from_ms > ${7 * DAY_MS};
      CREATE INDEX holds_by_review ON holds (review_at);
    `);
  },
};
