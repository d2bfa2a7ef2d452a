import type { Clock } from '../shared/clock.js';
import { AccessDeniedError } from '../shared/errors.js';
import type { Db } from '../store/database.js';
import type { AuditedAccess } from '../access/audited-access.js';
import type { AuthenticatedUser } from '../access/authorize.js';
import type { Authenticator } from '../access/authenticate.js';
import type { Bootstrap } from '../access/bootstrap.js';
import type { AccessConfig } from '../access/config.js';
import { parsePurpose, type Purpose, type PurposeCategory } from '../access/purpose.js';
import type { Action } from '../access/roles.js';
import type { UserAdmin } from '../access/user-admin.js';
import type { HotlistService } from '../hotlist/hotlist-service.js';
import type { UnitKeyLocation } from '../evidence/unit-key.js';
import type { ParsedBodyOf, ReplyOf, RouteName } from './contract.js';
import type { SessionTable } from './sessions.js';

/** What the routes work with; built in main.ts from the daemon's own database and clock. */
export interface RouteDeps {
  db: Db;
  clock: Clock;
  access: AuditedAccess;
  authenticator: Authenticator;
  sessions: SessionTable;
  users: UserAdmin;
  bootstrap: Bootstrap;
  accessConfig: AccessConfig;
  unitId: string;
  agency: string;
  /** The daemon's hotlists (local entries, sync); undefined where none run. */
  hotlists: HotlistService | undefined;
  /**
   * Where the unit key is (evidence.unit_key_file, storage.path, $CREDENTIALS_DIRECTORY). Unset:
   * the systemd credential, else unit-key.pem beside the database. Loaded when the API starts.
   */
  unitKey?: UnitKeyLocation | undefined;
}

export interface RouteRequest<N extends RouteName> {
  /** The session's user (routes with auth: true only). */
  user: AuthenticatedUser;
  body: ParsedBodyOf<N>;
  params: Record<string, string>;
  token: string | undefined;
}

export type RouteHandlers = { [N in RouteName]: (req: RouteRequest<N>) => Promise<ReplyOf<N>> | ReplyOf<N> };

/**
 * The purpose of a request (424.5(c)), or undefined when none is given (AuditedAccess then
 * refuses and audits). A malformed category or case is refused here, and audited too.
 */
export function purposeOf(
  deps: RouteDeps,
  user: AuthenticatedUser,
  action: Action,
  body: { purpose?: string | undefined; case?: string | undefined },
  query: Record<string, unknown>,
  defaultCategory?: PurposeCategory,
): Purpose | undefined {
  const category = body.purpose ?? (body.case ? defaultCategory : undefined);
  if (!category && !body.case) return undefined;
  try {
    return parsePurpose(category, body.case);
  } catch (err) {
    if (!(err instanceof AccessDeniedError)) throw err;
    return deps.access.refuse(
      user,
      action,
      { ...query, purpose_given: clip(body.purpose), case_given: clip(body.case) },
      err.message,
    );
  }
}

/** A refused value as given, cut short so a request cannot bloat the audit log. */
function clip(v: string | undefined): string | null {
  if (v === undefined) return null;
  return v.length > 80 ? `${v.slice(0, 80)}…` : v;
}
