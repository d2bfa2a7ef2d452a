import type { Db } from './database.js';

/** The levels an agency in the registry may have. */
export const AGENCY_LEVELS = ['local', 'state', 'federal', 'non-law-enforcement'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];
/** A release's level: a registry level, or 'prosecutor' on releases recorded before the registry. */
export type ReleaseLevel = AgencyLevel | 'prosecutor';

export interface ReleaseInput {
  agency: string;
  /** From the agency registry (never typed by the user); 'prosecutor' only on old records. */
  agencyLevel: ReleaseLevel;
  agencyId?: number | undefined;
  /** The export or the hold whose data left (one of them). */
  exportId?: string | undefined;
  holdId?: number | undefined;
  requestingOfficer: string;
  legalBasis: string;
  caseNumber: string;
  purposeCategory: string;
  /** What was released, in words (e.g. "evidence package X: 14 reads, 2 hits"). */
  what: string;
  packageId?: string | undefined;
  /** Federal releases only: who notified the County Attorney, and when (424.4). */
  attorneyNotifiedBy?: string | undefined;
  attorneyNotifiedAt?: number | undefined;
}

export interface Release extends ReleaseInput {
  id: number;
  at: number;
  recordedBy: string;
}

/**
 * Why a release may not be recorded, or undefined (policy 424.4, 424.5(d)). Pure, so the rule is
 * tested on its own: every release names agency, officer, legal basis and what; a federal one
 * must be for a criminal investigation and follow a County Attorney notification.
 */
export function releaseProblem(r: ReleaseInput, now: number): string | undefined {
  if (!([...AGENCY_LEVELS, 'prosecutor'] as readonly string[]).includes(r.agencyLevel))
    return `an agency level is one of ${AGENCY_LEVELS.join(', ')}`;
  for (const [flag, v] of [
    ['--agency', r.agency],
    ['--officer', r.requestingOfficer],
    ['--legal-basis', r.legalBasis],
    ['--what', r.what],
  ] as const) {
    if (!v.trim()) return `a release must record ${flag}`;
  }
  if (r.agencyLevel === 'federal') {
    if (r.purposeCategory !== 'criminal_investigation') {
      return 'a release to a federal agency is only for a criminal investigation (policy 424.4): use --purpose criminal_investigation';
    }
    if (!r.attorneyNotifiedBy?.trim() || r.attorneyNotifiedAt === undefined || !Number.isFinite(r.attorneyNotifiedAt)) {
      return 'a release to a federal agency needs the County Attorney notified first (policy 424.4): give --attorney-notified-by NAME and --attorney-notified-at TIME';
    }
    if (r.attorneyNotifiedAt > now)
      return 'the County Attorney notification time is in the future: notify first, then release';
  }
  return undefined;
}

interface ReleaseRow {
  id: number;
  at: number;
  recorded_by: string;
  agency: string;
  agency_level: ReleaseLevel;
  agency_id: number | null;
  export_id: string | null;
  hold_id: number | null;
  requesting_officer: string;
  legal_basis: string;
  case_number: string;
  purpose_category: string;
  what: string;
  package_id: string | null;
  attorney_notified_by: string | null;
  attorney_notified_at: number | null;
}

/** The release log (424.4, 424.5(d)). Rows are never changed or deleted. */
export class ReleaseStore {
  /** @param db an open database (migrations applied). */
  constructor(private readonly db: Db) {}

  record(r: ReleaseInput, by: string, now: number): Release {
    const problem = releaseProblem(r, now);
    if (problem) throw new Error(problem);
    const id = Number(
      this.db
        .prepare(`INSERT INTO releases (at, recorded_by, agency, agency_level, requesting_officer, legal_basis, case_number, purpose_category, what, package_id, attorney_notified_by, attorney_notified_at, agency_id, export_id, hold_id)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(
          now,
          by,
          r.agency,
          r.agencyLevel,
          r.requestingOfficer,
          r.legalBasis,
          r.caseNumber,
          r.purposeCategory,
          r.what,
          r.packageId ?? null,
          r.attorneyNotifiedBy ?? null,
          r.attorneyNotifiedAt ?? null,
          r.agencyId ?? null,
          r.exportId ?? null,
          r.holdId ?? null,
        ).lastInsertRowid,
    );
    return this.between(now, now + 1).find((x) => x.id === id)!;
  }

  between(from: number, to: number): Release[] {
    return (
      this.db.prepare('SELECT * FROM releases WHERE at >= ? AND at < ? ORDER BY id').all(from, to) as ReleaseRow[]
    ).map(toRelease);
  }

  /** The case an evidence export was of, or undefined when there is no such export. */
  exportCase(exportId: string): string | undefined {
    const row = this.db.prepare('SELECT case_number FROM evidence_exports WHERE id = ?').get(exportId) as
      | { case_number: string }
      | undefined;
    return row?.case_number;
  }

  /** True when any release of the case went to a federal agency. */
  releasedFederally(caseNumber: string): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM releases WHERE case_number = ? AND agency_level = 'federal' LIMIT 1")
        .get(caseNumber) !== undefined
    );
  }

  /** When the case was first accessed: its earliest allowed entry in the audit log, or null. */
  firstAccess(caseNumber: string): number | null {
    return (
      this.db
        .prepare("SELECT min(at) AS at FROM audit_log WHERE case_number = ? AND outcome = 'allowed'")
        .get(caseNumber) as { at: number | null }
    ).at;
  }

  recordNotification(n: AttorneyNotification, by: string, now: number): void {
    this.db
      .prepare(
        'INSERT INTO attorney_notifications (case_number, notified_by, notified_at, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(n.caseNumber, n.notifiedBy, n.notifiedAt, by, now);
  }

  /** The case's County Attorney notifications, latest first. */
  notifications(caseNumber: string): AttorneyNotification[] {
    return (
      this.db
        .prepare(
          'SELECT case_number, notified_by, notified_at FROM attorney_notifications WHERE case_number = ? ORDER BY notified_at DESC',
        )
        .all(caseNumber) as { case_number: string; notified_by: string; notified_at: number }[]
    ).map((r) => ({ caseNumber: r.case_number, notifiedBy: r.notified_by, notifiedAt: r.notified_at }));
  }

  forCase(caseNumber: string): Release[] {
    return (
      this.db.prepare('SELECT * FROM releases WHERE case_number = ? ORDER BY id').all(caseNumber) as ReleaseRow[]
    ).map(toRelease);
  }
}

/** The County Attorney was told of a case before a federal release (policy 424.4). */
export interface AttorneyNotification {
  caseNumber: string;
  notifiedBy: string;
  notifiedAt: number;
}

function toRelease(r: ReleaseRow): Release {
  return {
    id: r.id,
    at: r.at,
    recordedBy: r.recorded_by,
    agency: r.agency,
    agencyLevel: r.agency_level,
    requestingOfficer: r.requesting_officer,
    legalBasis: r.legal_basis,
    caseNumber: r.case_number,
    purposeCategory: r.purpose_category,
    what: r.what,
    packageId: r.package_id ?? undefined,
    attorneyNotifiedBy: r.attorney_notified_by ?? undefined,
    attorneyNotifiedAt: r.attorney_notified_at ?? undefined,
    agencyId: r.agency_id ?? undefined,
    exportId: r.export_id ?? undefined,
    holdId: r.hold_id ?? undefined,
  };
}
