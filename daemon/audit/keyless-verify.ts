import { DatabaseMissingError, openDatabase } from '../store/database.js';
import { AuditLog } from '../store/audit-log.js';
import type { AuditVerification, VerifyOptions } from '../store/audit-verify.js';

export type { AuditVerification } from '../store/audit-verify.js';
export { parseHead } from '../store/audit-chain.js';

/**
 * Verifies a copy of the database (an auditor's forensic copy) in this process, without the key
 * and without a login: a login would have to add a keyed entry, which this process cannot. Checks
 * the unkeyed structure and, on a keyed log, the MAC links; the result's notes say so. This is
 * `alpr-edge audit verify-copy FILE`; the live log is verified by the daemon, which holds the key.
 */
export function verifyCopyWithoutKey(file: string, opts: Omit<VerifyOptions, 'key'>): AuditVerification {
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(file, { create: false });
  } catch (err) {
    // A copy is never created here; "the daemon creates it" is the live unit's message, not a copy's.
    if (err instanceof DatabaseMissingError) throw new Error(`no database copy at ${file}`);
    throw err;
  }
  try {
    return new AuditLog(db).verify(opts);
  } finally {
    db.close();
  }
}
