import type { Db } from './database.js';

export const AGENCY_LEVELS = ['local', 'state', 'federal', 'prosecutor'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];

export interface ReleaseInput {
  agency: string;
  agencyLevel: AgencyLevel;
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
  if (!(AGENCY_LEVELS as readonly string[]).includes(r.agencyLevel))
    return `--level must be one of ${AGENCY_LEVELS.join(', ')}`;
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
  agency_level: AgencyLevel;
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
        .prepare(`INSERT INTO releases (at, recorded_by, agency, agency_level, requesting_officer, legal_basis, case_number, purpose_category, what, package_id, attorney_notified_by, attorney_notified_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
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
        ).lastInsertRowid,
    );
    return this.between(now, now + 1).find((x) => x.id === id)!;
  }

  between(from: number, to: number): Release[] {
    return (
      this.db.prepare('SELECT * FROM releases WHERE at >= ? AND at < ? ORDER BY id').all(from, to) as ReleaseRow[]
    ).map(toRelease);
  }

  forCase(caseNumber: string): Release[] {
    return (
      this.db.prepare('SELECT * FROM releases WHERE case_number = ? ORDER BY id').all(caseNumber) as ReleaseRow[]
    ).map(toRelease);
  }
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
  };
}
