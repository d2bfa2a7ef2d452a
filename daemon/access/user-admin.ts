import type { Clock } from '../shared/clock.js';
import type { Db } from '../store/database.js';
import type { AuditedAccess } from './audited-access.js';
import type { AuthenticatedUser } from './authorize.js';
import type { AccessConfig } from './config.js';
import { hashPassword, passwordProblem } from './passwords.js';
import type { Role } from './roles.js';
import { PageRecords } from '../store/page-records.js';
import { UserStore, isoDay, trainingCurrent, type TrainingRecord, type UserRecord } from './users.js';

/** A user as listed to an administrator: never the hash. */
export interface UserSummary {
  username: string;
  fullName: string;
  role: Role;
  disabled: boolean;
  locked: boolean;
  trainingExpiresOn: string | null;
  trainingCurrent: boolean;
  /** Holds the CBI-data authorization now (policy 424.3(g)). */
  cbiAuthorized: boolean;
  /** When that authorization ends (ISO time); null without one or without an expiry. */
  cbiAuthorizedUntil: string | null;
}

/**
 * User administration (424.2, 424.3(b),(e)): every change is an audited `users_manage` action
 * by an administrator. Passwords are hashed here; they never reach the audit log.
 */
export class UserAdmin {
  private readonly users: UserStore;
  private readonly records: PageRecords;

  constructor(
    readonly db: Db,
    private readonly access: AuditedAccess,
    private readonly clock: Clock,
    private readonly config: AccessConfig,
  ) {
    this.users = new UserStore(db);
    this.records = new PageRecords(db);
  }

  async add(
    admin: AuthenticatedUser,
    u: { username: string; fullName: string; role: Role; password: string },
  ): Promise<UserRecord> {
    const problem = passwordProblem(u.password, this.config.min_password_length);
    if (problem) throw new Error(problem);
    const hash = await hashPassword(u.password);
    return this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'user_add', username: u.username, role: u.role },
      () => {
        const rec = this.users.create(
          { username: u.username, fullName: u.fullName, role: u.role, passwordHash: hash, createdBy: admin.username },
          this.clock.now(),
        );
        return { value: rec, count: 1 };
      },
      'write',
    );
  }

  async setPassword(admin: AuthenticatedUser, username: string, password: string): Promise<void> {
    const problem = passwordProblem(password, this.config.min_password_length);
    if (problem) throw new Error(problem);
    const hash = await hashPassword(password);
    this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'user_password', username },
      () => {
        this.users.setPassword(this.must(username).id, hash, this.clock.now());
        return { value: undefined, count: 1 };
      },
      'write',
    );
  }

  setRole(admin: AuthenticatedUser, username: string, role: Role): void {
    this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'user_role', username, role },
      () => {
        const u = this.must(username);
        if (u.id === admin.id && role !== 'administrator')
          throw new Error('an administrator cannot remove their own administrator role');
        this.users.setRole(u.id, role);
        return { value: undefined, count: 1, detail: { previous_role: u.role } };
      },
      'write',
    );
  }

  disable(admin: AuthenticatedUser, username: string): void {
    this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'user_disable', username },
      () => {
        const u = this.must(username);
        if (u.id === admin.id) throw new Error('an administrator cannot disable their own account');
        this.users.disable(u.id, this.clock.now());
        return { value: undefined, count: 1 };
      },
      'write',
    );
  }

  enable(admin: AuthenticatedUser, username: string): void {
    this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'user_enable', username },
      () => {
        this.users.enable(this.must(username).id);
        return { value: undefined, count: 1 };
      },
      'write',
    );
  }

  /** Records completed office-approved training (424.3(e)). */
  addTraining(
    admin: AuthenticatedUser,
    username: string,
    t: { course: string; completedOn: string; expiresOn: string },
  ): TrainingRecord {
    return this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'training_add', username, ...t },
      () => {
        const rec = this.users.addTraining(
          { userId: this.must(username).id, ...t, recordedBy: admin.username },
          this.clock.now(),
        );
        return { value: rec, count: 1 };
      },
      'write',
    );
  }

  list(admin: AuthenticatedUser): UserSummary[] {
    return this.access.perform(admin, 'users_manage', undefined, { kind: 'user_list' }, () => {
      const now = this.clock.now();
      const list = this.users.list().map((u) => {
        const exp = this.users.trainingExpiry(u.id, now);
        const cbi = this.records.cbiAuthorization(u.id, now);
        return {
          username: u.username,
          fullName: u.fullName,
          role: u.role,
          disabled: u.disabledAt !== null,
          locked: u.lockedUntil !== null && u.lockedUntil > now,
          trainingExpiresOn: exp,
          trainingCurrent: trainingCurrent(exp, now),
          cbiAuthorized: cbi !== undefined,
          cbiAuthorizedUntil: cbi?.expiresAt == null ? null : new Date(cbi.expiresAt).toISOString(),
        };
      });
      return { value: list, count: list.length };
    });
  }

  today(): string {
    return isoDay(this.clock.now());
  }

  private must(username: string): UserRecord {
    const u = this.users.byName(username);
    if (!u) throw new Error(`no user "${username}"`);
    return u;
  }
}
