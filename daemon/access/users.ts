import type { Db } from '../store/database.js';
import { UserRepository, type StoredUser, type TrainingRecord } from '../store/users.js';
import { isRole, type Role } from './roles.js';

export type { TrainingRecord };

export interface UserRecord extends Omit<StoredUser, 'role'> {
  role: Role;
}

const USERNAME_RE = /^[a-z][a-z0-9._-]{1,31}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Users and training records, with the rules on what is stored (names, roles, one account per
 * employee number, dates, lockout); the SQL is store/users.ts. Who may call these is decided by
 * the CLI/API through authorize.ts.
 */
export class UserStore {
  private readonly rows: UserRepository;

  /** @param db an open database (migrations applied). */
  constructor(db: Db) {
    this.rows = new UserRepository(db);
  }

  count(): number {
    return this.rows.count();
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
    const id = this.rows.insert({
      username: u.username,
      fullName: u.fullName,
      employeeNumber: u.employeeNumber,
      role: u.role,
      passwordHash: u.passwordHash,
      createdBy: u.createdBy,
      mustChangePassword: u.mustChangePassword ?? false,
      createdAt: now,
    });
    return this.byId(id)!;
  }

  /** Sets a user's employee number and full name (an administrator fixing an older account). */
  setIdentity(id: number, employeeNumber: string, fullName: string): void {
    this.mustBeFreeEmployeeNumber(employeeNumber, id);
    this.rows.setIdentity(id, employeeNumber, fullName);
  }

  private mustBeFreeEmployeeNumber(employeeNumber: string, exceptId = -1): void {
    const other = this.rows.holderOfEmployeeNumber(employeeNumber, exceptId);
    if (other)
      throw new Error(`employee number ${employeeNumber} already belongs to ${other}: one person, one account`);
  }

  byName(username: string): UserRecord | undefined {
    const u = this.rows.byName(username);
    return u && toUser(u);
  }

  byId(id: number): UserRecord | undefined {
    const u = this.rows.byId(id);
    return u && toUser(u);
  }

  list(): UserRecord[] {
    return this.rows.list().map(toUser);
  }

  /** `mustChange`: set by an administrator, so the user must choose their own at the next login. */
  setPassword(id: number, passwordHash: string, now: number, mustChange: boolean): void {
    this.rows.setPassword(id, passwordHash, now, mustChange);
  }

  setRole(id: number, role: Role): void {
    this.rows.setRole(id, role);
  }

  /** Disables the user: the API's sessions (in memory) end at their next use, as the user is gone for currentUser. */
  disable(id: number, now: number): void {
    this.rows.disable(id, now);
  }

  enable(id: number): void {
    this.rows.enable(id);
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
    this.rows.setFailures(id, lockedUntil ? 0 : failures, lockedUntil);
    return { failures, lockedUntil };
  }

  recordSuccess(id: number): void {
    this.rows.setFailures(id, 0, null);
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
    const id = this.rows.insertTraining({ ...t, recordedAt: now });
    return { id, ...t, recordedAt: now };
  }

  trainingOf(userId: number): TrainingRecord[] {
    return this.rows.trainingOf(userId);
  }

  /** The latest expiry among trainings completed by `now`, or null when the user has none. */
  trainingExpiry(userId: number, now: number): string | null {
    return this.rows.trainingExpiry(userId, isoDay(now));
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

/** The stored role is one of ours: create and setRole take only a Role. */
function toUser(u: StoredUser): UserRecord {
  return { ...u, role: u.role as Role };
}
