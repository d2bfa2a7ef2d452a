import type { Db } from './database.js';

/** A user's row (table `users`, migrations 020 and 026). The role is checked by access/, not here. */
export interface StoredUser {
  id: number;
  username: string;
  fullName: string;
  /** The office's employee number; null only for users made before it was required. */
  employeeNumber: string | null;
  role: string;
  passwordHash: string;
  /** The password was set by an administrator: only a change of password is allowed until the user sets their own. */
  mustChangePassword: boolean;
  failedLogins: number;
  lockedUntil: number | null;
  createdAt: number;
  createdBy: string;
  disabledAt: number | null;
}

export interface NewUser {
  username: string;
  fullName: string;
  employeeNumber: string;
  role: string;
  passwordHash: string;
  createdBy: string;
  mustChangePassword: boolean;
  createdAt: number;
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

interface TrainingRow {
  id: number;
  user_id: number;
  course: string;
  completed_on: string;
  expires_on: string;
  recorded_by: string;
  recorded_at: number;
}

/**
 * Tables `users` and `training_records`: plain storage. Names, roles, dates and lockout limits are
 * checked by access/users.ts, and who may call it is decided through access/authorize.ts.
 */
export class UserRepository {
  private readonly countStmt;
  private readonly insertStmt;
  private readonly identityStmt;
  private readonly byEmployeeStmt;
  private readonly byNameStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly passwordStmt;
  private readonly roleStmt;
  private readonly disableStmt;
  private readonly enableStmt;
  private readonly failuresStmt;
  private readonly insertTrainingStmt;
  private readonly trainingStmt;
  private readonly expiryStmt;

  /** @param db an open database (migrations applied). */
  constructor(db: Db) {
    this.countStmt = db.prepare('SELECT count(*) AS n FROM users');
    this.insertStmt = db.prepare(`INSERT INTO users (username, full_name, employee_number, role, password_hash,
        created_at, created_by, password_changed_at, must_change_password)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.identityStmt = db.prepare('UPDATE users SET employee_number = ?, full_name = ? WHERE id = ?');
    this.byEmployeeStmt = db.prepare('SELECT username FROM users WHERE employee_number = ? AND id != ?');
    this.byNameStmt = db.prepare('SELECT * FROM users WHERE username = ?');
    this.byIdStmt = db.prepare('SELECT * FROM users WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM users ORDER BY username');
    this.passwordStmt = db.prepare(
      'UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL WHERE id = ?',
    );
    this.roleStmt = db.prepare('UPDATE users SET role = ? WHERE id = ?');
    this.disableStmt = db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?');
    this.enableStmt = db.prepare(
      'UPDATE users SET disabled_at = NULL, failed_logins = 0, locked_until = NULL WHERE id = ?',
    );
    this.failuresStmt = db.prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?');
    this.insertTrainingStmt = db.prepare(
      'INSERT INTO training_records (user_id, course, completed_on, expires_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.trainingStmt = db.prepare('SELECT * FROM training_records WHERE user_id = ? ORDER BY expires_on DESC');
    this.expiryStmt = db.prepare(
      'SELECT max(expires_on) AS e FROM training_records WHERE user_id = ? AND completed_on <= ?',
    );
  }

  count(): number {
    return (this.countStmt.get() as { n: number }).n;
  }

  /** Inserts a user; returns its id. The password counts as changed at `createdAt`. */
  insert(u: NewUser): number {
    const r = this.insertStmt.run(
      u.username,
      u.fullName,
      u.employeeNumber,
      u.role,
      u.passwordHash,
      u.createdAt,
      u.createdBy,
      u.createdAt,
      u.mustChangePassword ? 1 : 0,
    );
    return Number(r.lastInsertRowid);
  }

  setIdentity(id: number, employeeNumber: string, fullName: string): void {
    this.identityStmt.run(employeeNumber, fullName, id);
  }

  /** The user name holding `employeeNumber`, other than user `exceptId`, if any. */
  holderOfEmployeeNumber(employeeNumber: string, exceptId: number): string | undefined {
    return (this.byEmployeeStmt.get(employeeNumber, exceptId) as { username: string } | undefined)?.username;
  }

  byName(username: string): StoredUser | undefined {
    const row = this.byNameStmt.get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  byId(id: number): StoredUser | undefined {
    const row = this.byIdStmt.get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  /** Every user, by user name. */
  list(): StoredUser[] {
    return (this.listStmt.all() as UserRow[]).map(toUser);
  }

  /** Sets the password hash and clears failures and any lock. */
  setPassword(id: number, passwordHash: string, now: number, mustChange: boolean): void {
    this.passwordStmt.run(passwordHash, now, mustChange ? 1 : 0, id);
  }

  setRole(id: number, role: string): void {
    this.roleStmt.run(role, id);
  }

  disable(id: number, now: number): void {
    this.disableStmt.run(now, id);
  }

  /** Enables the user again, clearing failures and any lock. */
  enable(id: number): void {
    this.enableStmt.run(id);
  }

  /** Stores the count of consecutive failed logins and the lock, if any. */
  setFailures(id: number, failures: number, lockedUntil: number | null): void {
    this.failuresStmt.run(failures, lockedUntil, id);
  }

  insertTraining(t: Omit<TrainingRecord, 'id'>): number {
    return Number(
      this.insertTrainingStmt.run(t.userId, t.course, t.completedOn, t.expiresOn, t.recordedBy, t.recordedAt)
        .lastInsertRowid,
    );
  }

  /** A user's training records, latest expiry first. */
  trainingOf(userId: number): TrainingRecord[] {
    return (this.trainingStmt.all(userId) as TrainingRow[]).map((r) => ({
      id: r.id,
      userId: r.user_id,
      course: r.course,
      completedOn: r.completed_on,
      expiresOn: r.expires_on,
      recordedBy: r.recorded_by,
      recordedAt: r.recorded_at,
    }));
  }

  /** The latest expiry among trainings completed on `day` (YYYY-MM-DD) or before, or null when there is none. */
  trainingExpiry(userId: number, day: string): string | null {
    return (this.expiryStmt.get(userId, day) as { e: string | null }).e;
  }
}

function toUser(r: UserRow): StoredUser {
  return {
    id: r.id,
    username: r.username,
    fullName: r.full_name,
    employeeNumber: r.employee_number,
    role: r.role,
    passwordHash: r.password_hash,
    mustChangePassword: r.must_change_password === 1,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    createdBy: r.created_by,
    disabledAt: r.disabled_at,
  };
}
