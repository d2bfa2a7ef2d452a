import type { Clock } from '../shared/clock.js';
import { AccessDeniedError } from '../shared/errors.js';
import { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { EvidenceExportStore } from '../store/evidence-exports.js';
import { transactionsOn } from '../store/transactions.js';
import { refusalReason, type AuthenticatedUser } from './authorize.js';

/** What the exporter's client says became of a package the daemon handed it. */
export type ExportOutcome =
  | { exportId: string; ok: true; dir: string; manifestSha256: string }
  | { exportId: string; ok: false; error: string };

/** How an export's write stands in the audit log: confirmed, failed (with why), or never reported. */
export type WriteStatus =
  | { written: 'confirmed' }
  | { written: 'failed'; error: string }
  | { written: 'not confirmed' };

/**
 * Records the client's report of writing an exported package (policy 424.5(b): access and its
 * outcome are audited): `export_written` allowed, with the folder or file and the manifest hash,
 * or failed, with the error. Only the exporter may report, once, and only the manifest the daemon
 * handed over; anything else is refused and the refusal audited. The role rules are the export's.
 */
export function recordExportOutcome(
  deps: { db: Db; clock: Clock },
  user: AuthenticatedUser,
  outcome: ExportOutcome,
): WriteStatus {
  const { db, clock } = deps;
  const audit = new AuditLog(db);
  const exports = new EvidenceExportStore(db);
  const query = { export_id: outcome.exportId };
  const done = transactionsOn(db).immediate((): WriteStatus | { refused: string } => {
    const now = clock.now();
    const base = { at: now, username: user.username, role: user.role, action: 'export_written', query };
    const record = exports.get(outcome.exportId);
    // Someone else's export is refused in the same words as an unknown one: the id tells nothing.
    const mine = record?.exportedBy === user.username ? record : undefined;
    const onCase = mine ? { purposeCategory: mine.purposeCategory, caseNumber: mine.caseNumber } : {};
    const refused =
      refusalReason(user, 'export', now) ??
      (!mine
        ? `no export ${outcome.exportId} of ${user.username} awaits a report`
        : writeStatus(audit, mine.caseNumber, mine.id).written !== 'not confirmed'
          ? `export ${mine.id} was already reported: what became of a package is recorded once`
          : outcome.ok && outcome.manifestSha256 !== mine.manifestSha256
            ? `manifest SHA-256 ${outcome.manifestSha256} is not the one handed over for export ${mine.id}`
            : undefined);
    if (refused) {
      audit.append({ ...base, ...onCase, outcome: 'refused', detail: { reason: refused } });
      return { refused };
    }
    if (outcome.ok) {
      exports.setTarget(mine!.id, outcome.dir);
      audit.append({
        ...base,
        ...onCase,
        outcome: 'allowed',
        resultCount: mine!.reads,
        detail: { dir: outcome.dir, manifest_sha256: outcome.manifestSha256, reported_by: 'client' },
      });
      return { written: 'confirmed' };
    }
    audit.append({ ...base, ...onCase, outcome: 'failed', detail: { error: outcome.error, reported_by: 'client' } });
    return { written: 'failed', error: outcome.error };
  });
  // Thrown after the commit, so the refusal stays on the record.
  if ('refused' in done) throw new AccessDeniedError(done.refused);
  return done;
}

/**
 * Whether the client confirmed writing export `exportId` of case `caseNumber`, from the audit log.
 * An `export_written` allowed entry without `reported_by` is the daemon's own, from before clients
 * reported: written at hand-over, so it confirms nothing.
 */
export function writeStatus(audit: AuditLog, caseNumber: string, exportId: string): WriteStatus {
  const last = audit
    .forCase(caseNumber)
    .filter((e) => e.action === 'export_written' && e.outcome !== 'refused' && e.query.export_id === exportId)
    .pop();
  if (!last || (last.outcome === 'allowed' && last.detail.reported_by !== 'client'))
    return { written: 'not confirmed' };
  return last.outcome === 'allowed'
    ? { written: 'confirmed' }
    : { written: 'failed', error: String(last.detail.error) };
}
