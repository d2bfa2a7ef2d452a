import type { Db } from '../store/database.js';
import { AuditLog, auditKeyOf } from '../store/audit-log.js';
import type { AuditVerification, VerifyOptions } from '../store/audit-verify.js';

export type { AuditVerification } from '../store/audit-verify.js';
export { parseHead } from '../store/audit-chain.js';

/**
 * Verifies a keyed log that this process opened without the key (an auditor's copy), without a
 * login: a login would have to add a keyed entry, which it cannot. Returns undefined when the
 * process holds the key or the log has no keyed entries, so the normal, audited path applies.
 */
export function verifyKeyedLogWithoutKey(db: Db, opts: Omit<VerifyOptions, 'key'>): AuditVerification | undefined {
  const audit = new AuditLog(db);
  if (auditKeyOf(db) || !audit.lastEntry()?.mac) return undefined;
  return audit.verify(opts);
}
