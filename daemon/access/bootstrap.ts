import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/database.js';
import { AuditLog } from '../store/audit-log.js';
import { BootstrapSecretStore } from '../store/bootstrap-secrets.js';
import { transactionsOn, type Transactions } from '../store/transactions.js';
import { AccessDeniedError } from '../shared/errors.js';
import { identityProblem } from './identity.js';
import { passwordProblem } from './password-strength.js';
import { hashPassword, randomSecret } from './passwords.js';
import { sha256 } from './authenticate.js';
import { UserStore, type UserRecord } from './users.js';

export const BOOTSTRAP_SECRET_FILE = 'bootstrap-secret';

/**
 * First-run bootstrap: there is never a default password. While no user exists, a one-time secret
 * is written (mode 0600) beside the database, readable only by whoever administers the unit's
 * files; `alpr-edge users bootstrap` exchanges it, once, for the first administrator.
 */
export class Bootstrap {
  private readonly users: UserStore;
  private readonly secrets: BootstrapSecretStore;
  private readonly audit: AuditLog;
  private readonly tx: Transactions;

  /** @param db an open database; @param dir the storage folder the secret file goes in. */
  constructor(
    db: Db,
    private readonly dir: string,
  ) {
    this.users = new UserStore(db);
    this.secrets = new BootstrapSecretStore(db);
    this.audit = new AuditLog(db);
    this.tx = transactionsOn(db);
  }

  get secretFile(): string {
    return join(this.dir, BOOTSTRAP_SECRET_FILE);
  }

  /** True while the unit has no users (the daemon then calls ensureSecret and logs the file path, never the secret). */
  needed(): boolean {
    return this.users.count() === 0;
  }

  /** Issues a secret if none is pending and no user exists; returns the file it is in, or undefined when not needed. */
  ensureSecret(now: number): string | undefined {
    if (!this.needed()) return undefined;
    if (this.secrets.pending() && existsSync(this.secretFile)) return this.secretFile;
    const secret = randomSecret(24);
    this.tx.run(() => this.secrets.replacePending(sha256(secret), now));
    writeFileSync(this.secretFile, `${secret}\n`, { mode: 0o600 });
    chmodSync(this.secretFile, 0o600);
    return this.secretFile;
  }

  /** Reads the pending secret file (for tests and for an operator with file access). */
  readSecret(): string | undefined {
    return existsSync(this.secretFile) ? readFileSync(this.secretFile, 'utf8').trim() : undefined;
  }

  /** Creates the first administrator if `secret` matches the pending one-time secret; the secret is then spent. */
  async createFirstAdministrator(
    a: {
      secret: string;
      username: string;
      fullName: string;
      employeeNumber: string;
      password: string;
      minPasswordLength: number;
    },
    now: number,
  ): Promise<UserRecord> {
    if (!this.needed()) throw new AccessDeniedError('this unit already has users; bootstrap runs only once');
    // The first administrator chose this password, so it need not be changed at the next login.
    const problem =
      identityProblem(a) ??
      passwordProblem(a.password, a.minPasswordLength, [a.username, a.fullName, a.employeeNumber]);
    if (problem) throw new Error(problem);
    const hash = await hashPassword(a.password);
    const user = this.tx.immediate(() => {
      const row = this.secrets.pending();
      if (!row || row.secretHash !== sha256(a.secret.trim())) {
        this.audit.append({
          at: now,
          username: a.username,
          role: 'administrator',
          action: 'bootstrap',
          outcome: 'refused',
          detail: { reason: row ? 'wrong secret' : 'no secret issued' },
        });
        return undefined;
      }
      if (this.users.count() > 0) return undefined;
      this.secrets.spend(row.id, now);
      const u = this.users.create(
        {
          username: a.username,
          fullName: a.fullName,
          employeeNumber: a.employeeNumber,
          role: 'administrator',
          passwordHash: hash,
          createdBy: 'bootstrap',
        },
        now,
      );
      this.audit.append({
        at: now,
        username: u.username,
        role: u.role,
        action: 'bootstrap',
        outcome: 'allowed',
        detail: { created_user: u.username },
      });
      return u;
    });
    if (!user)
      throw new AccessDeniedError(
        'the one-time bootstrap secret is wrong or was not issued (see the daemon log for the file it is in)',
      );
    rmSync(this.secretFile, { force: true });
    return user;
  }
}
