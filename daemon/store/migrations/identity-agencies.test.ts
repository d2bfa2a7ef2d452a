import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../database.js';
import { migrations } from './index.js';

describe('migrations 26-28 on a database made before them', () => {
  it('keeps users and releases, widens the role and level checks, and keeps foreign keys sound', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-mig-'));
    const file = join(dir, 'edge.db');
    try {
      const old = openDatabase(file, { migrations: migrations.filter((m) => m.id < 26) });
      old.exec(`INSERT INTO users (username, full_name, role, password_hash, created_at, created_by, password_changed_at)
          VALUES ('chief', 'Chief', 'administrator', 'x', 1, 'bootstrap', 1);
        INSERT INTO training_records (user_id, course, completed_on, expires_on, recorded_by, recorded_at)
          VALUES (1, 'ALPR', '2026-01-01', '2026-12-31', 'chief', 1);
        INSERT INTO releases (at, recorded_by, agency, agency_level, requesting_officer, legal_basis, case_number, purpose_category, what)
          VALUES (1, 'chief', 'DA', 'prosecutor', 'x', 'x', 'C1', 'criminal_investigation', 'x');`);
      old.close();

      const db = openDatabase(file);
      expect(db.prepare('SELECT username, employee_number, must_change_password FROM users').all()).toEqual([
        { username: 'chief', employee_number: null, must_change_password: 0 },
      ]);
      db.prepare("UPDATE users SET role = 'supervisor' WHERE id = 1").run();
      expect(() => db.prepare("UPDATE users SET role = 'boss' WHERE id = 1").run()).toThrow(/CHECK constraint/);
      db.prepare(`INSERT INTO releases (at, recorded_by, agency, agency_level, requesting_officer, legal_basis, case_number, purpose_category, what)
        VALUES (2, 'chief', 'Press', 'non-law-enforcement', 'x', 'x', 'C1', 'civil_action', 'x')`).run();
      expect(db.prepare('SELECT count(*) AS n FROM releases').get()).toEqual({ n: 2 });
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
