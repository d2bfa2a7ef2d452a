import type { Migration } from './types.js';
import { widenCheck } from './schema-edit.js';

/**
 * One person per account (policy 424.3(b)): users carry the office's employee number (unique;
 * users made before this step have none and are listed until an administrator adds it), a flag
 * that a password set by an administrator must be changed at the next login, and the supervisor
 * role (approves wide holds, records training).
 */
export const identityMigration: Migration = {
  id: 26,
  name: 'employee numbers, forced password change, supervisor role',
  up(db) {
    widenCheck(
      db,
      'users',
      "role IN ('administrator', 'operator', 'auditor', 'technician', 'records_manager')",
      "role IN ('administrator', 'supervisor', 'operator', 'auditor', 'technician', 'records_manager')",
    );
    db.exec(`
      ALTER TABLE users ADD COLUMN employee_number TEXT COLLATE NOCASE;
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
      CREATE UNIQUE INDEX users_by_employee_number ON users (employee_number) WHERE employee_number IS NOT NULL;
    `);
  },
};
