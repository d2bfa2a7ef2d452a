import type { Migration } from './types.js';

/**
 * Users, their training and their sessions (policy 424.3(b),(e), 424.5(b)). Passwords are scrypt
 * hashes; session tokens are stored only as SHA-256 so a copied database opens no session. A
 * user is never deleted (the audit log names them): `disabled_at` ends their access.
 */
export const usersMigration: Migration = {
  id: 20,
  name: 'users, training, sessions',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        full_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('administrator', 'operator', 'auditor', 'technician', 'records_manager')),
        password_hash TEXT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        disabled_at INTEGER,
        password_changed_at INTEGER NOT NULL
      );
      CREATE TABLE training_records (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        course TEXT NOT NULL,
        completed_on TEXT NOT NULL,
        expires_on TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      CREATE INDEX training_by_user ON training_records (user_id, expires_on);
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE bootstrap_secrets (
        id INTEGER PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        used_at INTEGER
      );
    `);
  },
};
