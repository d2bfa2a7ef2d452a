import { createHash } from 'node:crypto';
import { AccessDeniedError } from '../shared/errors.js';
import type { Db } from '../store/database.js';
import { AuditLog } from '../store/audit-log.js';
import { transactionsOn, type Transactions } from '../store/transactions.js';
import type { AccessConfig } from './config.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { UserStore } from './users.js';
import type { AuthenticatedUser } from './authorize.js';

/** The one answer to a refused login, whatever the reason (the audit log has the reason). */
export const LOGIN_REFUSED = 'wrong user name or password';

// A fixed hash to verify against for unknown users, so a wrong name takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/**
 * Logins (policy 424.5(b)): passwords checked against scrypt hashes, consecutive failures lock
 * the account for a while, and every login, failure and lockout is audited. Sessions live in the
 * API's memory (api/sessions.ts) and expire after `session_minutes` without use.
 */
export class Authenticator {
  private readonly users: UserStore;
  private readonly audit: AuditLog;
  private readonly tx: Transactions;

  /** @param db an open database; @param config the `access` config section. */
  constructor(
    db: Db,
    private readonly config: AccessConfig,
  ) {
    this.users = new UserStore(db);
    this.audit = new AuditLog(db);
    this.tx = transactionsOn(db);
  }

  /**
   * Checks a password; returns the user or throws AccessDeniedError with ONE message whatever
   * the reason (unknown user, wrong password, disabled, locked), so a refusal tells a guesser
   * nothing; the audit log records the real reason.
   */
  async login(username: string, password: string, now: number, via = 'cli'): Promise<AuthenticatedUser> {
    const user = this.users.byName(username);
    if (!user) {
      dummyHash ??= hashPassword('not-a-password-x');
      await verifyPassword(password, await dummyHash);
      this.audit.append({
        at: now,
        username,
        role: 'unknown',
        action: 'login',
        outcome: 'refused',
        detail: { via, reason: 'unknown user' },
      });
      throw new AccessDeniedError(LOGIN_REFUSED);
    }
    // One message for every refusal, so a login attempt learns nothing; the log keeps the reason.
    const refuse = (detail: Record<string, unknown>): never => {
      this.audit.append({
        at: now,
        username: user.username,
        role: user.role,
        action: 'login',
        outcome: 'refused',
        detail,
      });
      throw new AccessDeniedError(LOGIN_REFUSED);
    };
    if (user.disabledAt !== null) refuse({ via, reason: 'account disabled' });
    if (user.lockedUntil !== null && user.lockedUntil > now)
      refuse({ via, reason: 'account locked', locked_until: user.lockedUntil });
    if (!(await verifyPassword(password, user.passwordHash))) {
      this.tx.immediate(() => {
        const r = this.users.recordFailure(
          user.id,
          now,
          this.config.lockout_after_failures,
          this.config.lockout_minutes * 60_000,
        );
        this.audit.append({
          at: now,
          username: user.username,
          role: user.role,
          action: 'login',
          outcome: 'refused',
          detail: { via, reason: 'wrong password', failures: r.failures },
        });
        if (r.lockedUntil) {
          this.audit.append({
            at: now,
            username: user.username,
            role: user.role,
            action: 'lockout',
            outcome: 'refused',
            detail: { via, failures: r.failures, locked_until: r.lockedUntil },
          });
        }
        return r;
      });
      throw new AccessDeniedError(LOGIN_REFUSED);
    }
    this.tx.immediate(() => {
      this.users.recordSuccess(user.id);
      this.audit.append({
        at: now,
        username: user.username,
        role: user.role,
        action: 'login',
        outcome: 'allowed',
        detail: user.mustChangePassword ? { via, must_change_password: true } : { via },
      });
    });
    return this.toAuthenticated(user.id, now)!;
  }

  /** The user with `id` as they are now (role, training), or undefined when gone or disabled. */
  currentUser(id: number, now: number): AuthenticatedUser | undefined {
    return this.toAuthenticated(id, now);
  }

  private toAuthenticated(id: number, now: number): AuthenticatedUser | undefined {
    const u = this.users.byId(id);
    if (!u || u.disabledAt !== null) return undefined;
    return {
      id: u.id,
      username: u.username,
      fullName: u.fullName,
      role: u.role,
      trainingExpiresOn: this.users.trainingExpiry(u.id, now),
      mustChangePassword: u.mustChangePassword,
    };
  }
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
