import type { Db } from '../store/database.js';
import { isRole, type Role } from './roles.js';

export interface UserRecord {
  id: number;
  username: string;
  fullName: string;
  /** The office's employee number; null only for users made before it was required. */
  employeeNumber: string | null;
  role: Role;
  passwordHash: string;
  /** The password was set by an administrator: only a change of password is allowed until the user sets their own. */
  mustChangePassword: boolean;
  failedLogins: number;
  lockedUntil: number | null;
  createdAt: number;
  createdBy: string;
  disabledAt: number | null;
}

export interface TrainingRecord {
  id: number;
  userId: number;
  course: string;
  /** ISO dates (YYYY-MM-DD); the training is current from completed_on through expires_on. */
  completedOn: string;
  expiresOn: string;
  recordedBy: string;
  recordedAt: number;
}

interface UserRow {
  id: number;
  username: string;
  full_name: string;
  employee_number: string | null;
  role: string;
  password_hash: string;
  must_change_password: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  created_by: string;
  disabled_at: number | null;
}

const USERNAME_RE = /^[a-z][a-z0-9._-]{1,31}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Users and training records. Plain storage: who may call these is decided by the CLI/API through authorize.ts. */
export class UserStore {
  /** @param db an open database (migrations applied). */
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  create(
    u: {
      username: string;
      fullName: string;
      employeeNumber: string;
      role: Role;
      passwordHash: string;
      createdBy: string;
      mustChangePassword?: boolean;
    },
    now: number,
  ): UserRecord {
    if (!USERNAME_RE.test(u.username))
      throw new Error(
        `"${u.username}" is not a valid user name (2-32 lowercase letters, digits, . _ -, starting with a letter)`,
      );
    if (!isRole(u.role)) throw new Error(`"${u.role}" is not a role`);
    if (this.byName(u.username)) throw new Error(`user "${u.username}" already exists`);
    this.mustBeFreeEmployeeNumber(u.employeeNumber);
    const id = this.db
      .prepare(`INSERT INTO users (username, full_name, employee_number, role, password_hash, created_at, created_by, password_changed_at, must_change_password)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        u.username,
        u.fullName,
        u.employeeNumber,
        u.role,
        u.passwordHash,
        now,
        u.createdBy,
        now,
        u.mustChangePassword ? 1 : 0,
      ).lastInsertRowid;
    return this.byId(Number(id))!;
  }

  /** Sets a user's employee number and full name (an administrator fixing an older account). */
  setIdentity(id: number, employeeNumber: string, fullName: string): void {
    this.mustBeFreeEmployeeNumber(employeeNumber, id);
    this.db
      .prepare('UPDATE users SET employee_number = ?, full_name = ? WHERE id = ?')
      .run(employeeNumber, fullName, id);
  }

  private mustBeFreeEmployeeNumber(employeeNumber: string, exceptId = -1): void {
    const other = this.db
      .prepare('SELECT username FROM users WHERE employee_number = ? AND id != ?')
      .get(employeeNumber, exceptId) as { username: string } | undefined;
    if (other)
      throw new Error(
        `employee number ${employeeNumber} already belongs to ${other.username}: one person, one account`,
      );
  }

  byName(username: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  byId(id: number): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  list(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  /** `mustChange`: set by an administrator, so the user must choose their own at the next login. */
  setPassword(id: number, passwordHash: string, now: number, mustChange: boolean): void {
    this.db
      .prepare(
        'UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL WHERE id = ?',
      )
      .run(passwordHash, now, mustChange ? 1 : 0, id);
  }

  setRole(id: number, role: Role): void {
    this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, id);
  }

  disable(id: number, now: number): void {
    this.db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(now, id);
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
  }

  enable(id: number): void {
    this.db.prepare('UPDATE users SET disabled_at = NULL, failed_logins = 0, locked_until = NULL WHERE id = ?').run(id);
  }

  /** Records a failed login; returns the new count and the lock time when it crossed the limit. */
  recordFailure(
    id: number,
    now: number,
    limit: number,
    lockMs: number,
  ): { failures: number; lockedUntil: number | null } {
    const u = this.byId(id)!;
    const failures = u.failedLogins + 1;
    const lockedUntil = failures >= limit ? now + lockMs : null;
    this.db
      .prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?')
      .run(lockedUntil ? 0 : failures, lockedUntil, id);
    return { failures, lockedUntil };
  }

  recordSuccess(id: number): void {
    this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(id);
  }

  addTraining(
    t: { userId: number; course: string; completedOn: string; expiresOn: string; recordedBy: string },
    now: number,
  ): TrainingRecord {
    for (const [k, v] of [
      ['completed-on', t.completedOn],
      ['expires-on', t.expiresOn],
    ] as const) {
      if (!DATE_RE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
        throw new Error(`--${k} "${v}" is not a date (YYYY-MM-DD)`);
    }
    if (t.expiresOn < t.completedOn)
      throw new Error(`training cannot expire (${t.expiresOn}) before it was completed (${t.completedOn})`);
    const id = this.db
      .prepare(
        'INSERT INTO training_records (user_id, course, completed_on, expires_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(t.userId, t.course, t.completedOn, t.expiresOn, t.recordedBy, now).lastInsertRowid;
    return { id: Number(id), ...t, recordedAt: now };
  }

  trainingOf(userId: number): TrainingRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM training_records WHERE user_id = ? ORDER BY expires_on DESC')
      .all(userId) as {
      id: number;
      user_id: number;
      course: string;
      completed_on: string;
      expires_on: string;
      recorded_by: string;
      recorded_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      course: r.course,
      completedOn: r.completed_on,
      expiresOn: r.expires_on,
      recordedBy: r.recorded_by,
      recordedAt: r.recorded_at,
    }));
  }

  /** The latest expiry among trainings completed by `now`, or null when the user has none. */
  trainingExpiry(userId: number, now: number): string | null {
    const today = isoDay(now);
    const row = this.db
      .prepare('SELECT max(expires_on) AS e FROM training_records WHERE user_id = ? AND completed_on <= ?')
      .get(userId, today) as { e: string | null };
    return row.e;
  }
}

/** The UTC calendar day of a time, as YYYY-MM-DD. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Training is current through the whole of its expiry day (424.3(e)). */
export function trainingCurrent(expiresOn: string | null, now: number): boolean {
  return expiresOn !== null && isoDay(now) <= expiresOn;
}

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    fullName: r.full_name,
    employeeNumber: r.employee_number,
    role: r.role as Role,
    passwordHash: r.password_hash,
    mustChangePassword: r.must_change_password === 1,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    createdBy: r.created_by,
    disabledAt: r.disabled_at,
  };
}
