import type { Clock } from '../shared/clock.js';
import type { Db } from '../store/database.js';
import type { AuditedAccess } from './audited-access.js';
import type { AuthenticatedUser } from './authorize.js';
import type { AccessConfig } from './config.js';
import { AccessDeniedError } from '../shared/errors.js';
import { identityProblem } from './identity.js';
import { latestExpiry, trainingProblem } from './training-rules.js';
import { passwordProblem } from './password-strength.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Role } from './roles.js';
import { PageRecords } from '../store/page-records.js';
import { UserStore, isoDay, trainingCurrent, type TrainingRecord, type UserRecord } from './users.js';

/** A user as listed to an administrator: never the hash. */
export interface UserSummary {
  username: string;
  fullName: string;
  /** null: an account made before employee numbers were required ("employee number missing"). */
  employeeNumber: string | null;
  mustChangePassword: boolean;
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

  /**
   * Adds a user for one named person (identity.ts), with a first password they must change at
   * their first login. A shared account or a weak password is refused and audited.
   */
  async add(
    admin: AuthenticatedUser,
    u: { username: string; fullName: string; employeeNumber: string; role: Role; password: string },
  ): Promise<UserRecord> {
    const hash = await hashPassword(u.password);
    return this.access.perform(
      admin,
      'users_manage',
      undefined,
      {
        kind: 'user_add',
        username: u.username,
        role: u.role,
        full_name: u.fullName,
        employee_number: u.employeeNumber,
      },
      () => {
        const problem =
          identityProblem(u) ??
          passwordProblem(u.password, this.config.min_password_length, [u.username, u.fullName, u.employeeNumber]);
        if (problem) throw new AccessDeniedError(problem);
        const rec = this.users.create(
          {
            username: u.username,
            fullName: u.fullName,
            employeeNumber: u.employeeNumber,
            role: u.role,
            passwordHash: hash,
            createdBy: admin.username,
            mustChangePassword: true,
          },
          this.clock.now(),
        );
        return { value: rec, count: 1 };
      },
      'write',
    );
  }

  /** An administrator sets a user's password (a reset): the user must change it at their next login. */
  async setPassword(admin: AuthenticatedUser, username: string, password: string): Promise<UserRecord> {
    const hash = await hashPassword(password);
    return this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'user_password', username },
      () => {
        const u = this.must(username);
        const problem = passwordProblem(password, this.config.min_password_length, [u.username, u.fullName]);
        if (problem) throw new AccessDeniedError(problem);
        this.users.setPassword(u.id, hash, this.clock.now(), true);
        return { value: u, count: 1 };
      },
      'write',
    );
  }

  /** A user changes their own password, proving the current one; this ends a forced change. */
  async changeOwnPassword(user: AuthenticatedUser, current: string, next: string): Promise<void> {
    const rec = this.users.byId(user.id);
    const currentOk = rec !== undefined && (await verifyPassword(current, rec.passwordHash));
    const hash = await hashPassword(next);
    this.access.perform(
      user,
      'password_change',
      undefined,
      { kind: 'password_change' },
      () => {
        if (!currentOk) throw new AccessDeniedError('your current password is wrong');
        if (next === current) throw new AccessDeniedError('password refused: the new password is the current one');
        const problem = passwordProblem(next, this.config.min_password_length, [user.username, user.fullName]);
        if (problem) throw new AccessDeniedError(problem);
        this.users.setPassword(user.id, hash, this.clock.now(), false);
        return { value: undefined, count: 1 };
      },
      'write',
    );
  }

  /** Gives an account its employee number and full name (accounts made before they were required). */
  setIdentity(admin: AuthenticatedUser, username: string, id: { employeeNumber: string; fullName?: string }): void {
    this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'user_identity', username, employee_number: id.employeeNumber, full_name: id.fullName ?? null },
      () => {
        const u = this.must(username);
        const fullName = id.fullName ?? u.fullName;
        const problem = identityProblem({ username: u.username, fullName, employeeNumber: id.employeeNumber });
        if (problem) throw new AccessDeniedError(problem);
        this.users.setIdentity(u.id, id.employeeNumber, fullName);
        return { value: undefined, count: 1, detail: { previous_employee_number: u.employeeNumber } };
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

  /**
   * Records completed office-approved training (424.3(e)) for someone else: an administrator or
   * supervisor, never the trainee. Without an expiry, it runs access.training_valid_days.
   */
  addTraining(
    recorder: AuthenticatedUser,
    username: string,
    t: { course: string; completedOn: string; expiresOn?: string | undefined },
  ): TrainingRecord {
    const validDays = this.config.training_valid_days;
    const expiresOn =
      t.expiresOn ?? (Number.isNaN(Date.parse(t.completedOn)) ? '' : latestExpiry(t.completedOn, validDays));
    return this.access.perform(
      recorder,
      'training_record',
      undefined,
      { kind: 'training_add', username, course: t.course, completedOn: t.completedOn, expiresOn },
      () => {
        const trainee = this.must(username);
        const problem = trainingProblem({
          recorderId: recorder.id,
          traineeId: trainee.id,
          completedOn: t.completedOn,
          expiresOn,
          today: isoDay(this.clock.now()),
          validDays,
        });
        if (problem) throw new AccessDeniedError(problem);
        const rec = this.users.addTraining(
          {
            userId: trainee.id,
            course: t.course,
            completedOn: t.completedOn,
            expiresOn,
            recordedBy: recorder.username,
          },
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
          employeeNumber: u.employeeNumber,
          mustChangePassword: u.mustChangePassword,
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
