import { AccessDeniedError } from '../shared/errors.js';
import type { Db } from '../store/database.js';
import { AuditLog } from '../store/audit-log.js';
import { DATA_ACTIONS, roleAllows, type Action, type Role } from './roles.js';
import { trainingCurrent } from './users.js';

/** A person who has proved who they are (password) in this CLI run or HTTP session. */
export interface AuthenticatedUser {
  id: number;
  username: string;
  fullName: string;
  role: Role;
  /** Latest expiry (YYYY-MM-DD) of a completed training, or null: no training on record. */
  trainingExpiresOn: string | null;
  /** The password was set by an administrator: nothing but changing it is allowed. */
  mustChangePassword?: boolean;
}

/** The answer to anything but a password change while the user's password was set by an administrator. */
export const MUST_CHANGE_PASSWORD =
  'must change password: it was set by an administrator; choose your own first with: alpr-edge users passwd';

/**
 * Why `user` may not do `action` at `now`, or undefined when they may. Role first (424.3(b)), then
 * training for anything that touches data (424.3(e)): an untrained administrator sees no reads.
 */
export function refusalReason(user: AuthenticatedUser, action: Action, now: number): string | undefined {
  if (user.mustChangePassword && action !== 'password_change') return MUST_CHANGE_PASSWORD;
  if (!roleAllows(user.role, action))
    return `the ${user.role} role may not ${action.replace(/_/g, ' ')} (policy 424.3(b))`;
  if (DATA_ACTIONS.has(action) && !trainingCurrent(user.trainingExpiresOn, now)) {
    return user.trainingExpiresOn
      ? `${user.username}'s ALPR training expired on ${user.trainingExpiresOn}; no data access until it is renewed (policy 424.3(e))`
      : `${user.username} has no ALPR training on record; no data access until it is completed (policy 424.3(e))`;
  }
  return undefined;
}

/** Throws AccessDeniedError when `user` may not do `action` now. Pure: records nothing (see authorizeAudited). */
export function requireAuthorized(user: AuthenticatedUser, action: Action, now: number = Date.now()): void {
  const reason = refusalReason(user, action, now);
  if (reason) throw new AccessDeniedError(reason);
}

/**
 * requireAuthorized, but a refusal is written to the audit log before it is thrown (424.5(b)).
 * For commands that do not read ALPR data through AuditedAccess (e.g. `hotlist add`); write the
 * allowed entry yourself with `new AuditLog(db).append(...)` in the transaction that does the work.
 */
export function authorizeAudited(
  db: Db,
  user: AuthenticatedUser,
  action: Action,
  now: number = Date.now(),
  detail: Record<string, unknown> = {},
): void {
  const reason = refusalReason(user, action, now);
  if (!reason) return;
  new AuditLog(db).append({
    at: now,
    username: user.username,
    role: user.role,
    action,
    outcome: 'refused',
    detail: { ...detail, reason },
  });
  throw new AccessDeniedError(reason);
}
