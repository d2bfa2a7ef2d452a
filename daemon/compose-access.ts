import { AuditedAccess } from './access/audited-access.js';
import { Authenticator } from './access/authenticate.js';
import { Bootstrap } from './access/bootstrap.js';
import { PageAccess } from './access/page-access.js';
import { UserAdmin } from './access/user-admin.js';
import type { AccessConfig } from './access/config.js';
import type { HoldLimits } from './access/hold-rules.js';
import type { Clock } from './shared/clock.js';
import type { Db } from './store/database.js';

/**
 * The one audited path, built once: the socket API, the in-car page and the live views all
 * authenticate, authorize and audit through these, with the same hold limits and lockout rules.
 */
export interface AccessParts {
  access: AuditedAccess;
  authenticator: Authenticator;
  users: UserAdmin;
  page: PageAccess;
  bootstrap: Bootstrap;
}

export function composeAccess(
  config: { access: AccessConfig; storage: { path: string }; retention: HoldLimits },
  deps: { db: Db; clock: Clock },
): AccessParts {
  const { db, clock } = deps;
  // The hold limits (range, review) come from the config: every door where holds are made uses them.
  const access = new AuditedAccess(db, clock, config.retention);
  return {
    access,
    authenticator: new Authenticator(db, config.access),
    users: new UserAdmin(db, access, clock, config.access),
    page: new PageAccess(db, access, clock),
    bootstrap: new Bootstrap(db, config.storage.path),
  };
}
