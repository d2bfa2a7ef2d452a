import type { Db } from '../store/database.js';
import { AuditLog, type AuditEntry, type AuditVerification } from '../store/audit-log.js';
import { HoldStore, type Hold } from '../store/holds.js';
import { PurgeRecordStore, type PurgeRecord } from '../store/purge-records.js';
import { ReleaseStore, type Release } from '../store/releases.js';
import { RecordsRequestStore, type RecordsRequest } from '../store/records-requests.js';
import { writeStatus } from './export-outcome.js';
import { identityProblem } from './identity.js';
import { UserStore, isoDay, trainingCurrent } from './users.js';
import { HitViewStore } from '../store/hit-views.js';
import { ReadStore } from '../store/reads.js';
import { describeLocated } from '../position/fix.js';

/** The regular audit of policy 424.5(e), as data; audit-report-html.ts renders it for people. */
export interface AuditReport {
  unit_id: string;
  /** Fingerprint of the unit key that signs evidence packages (see evidence/unit-key.ts). */
  unit_key_sha256: string | null;
  from: string;
  to: string;
  generated_at: string;
  generated_by: string;
  chain: AuditVerification;
  /** The last entry this report's verification covered; compare it with the head published off the unit. */
  audit_head: { seq: number; mac: string | null } | null;
  searches_by_user_and_purpose: {
    username: string;
    role: string;
    purpose_category: string | null;
    case_number: string | null;
    actions: Record<string, number>;
    results: number;
    refused: number;
  }[];
  refusals: { at: string; username: string; action: string; reason: string }[];
  hits: {
    total: number;
    unverified: number;
    confirmed: number;
    rejected: number;
    verifications: {
      at: string;
      username: string;
      hit_id: string;
      outcome: string;
      reference: string;
      /** Where the hit's read was made and how that is known (fixed camera, GPS fix), or why not. */
      read_position: string;
    }[];
    /** The deputy's review of hits on the in-car page: what the read was and the action taken. */
    dispositions: { at: string; username: string; hit_id: string; disposition: string; action_taken: string }[];
  };
  /**
   * What the in-car page showed, by whom and when (policy 424.5(b)): one row per response or per
   * batch of live pushes and crops, with how many hits, reads and crops it held.
   */
  page_views: {
    at: string;
    username: string;
    purpose_category: string | null;
    case_number: string | null;
    kind: string;
    hits: number;
    reads: number;
    crops: number;
  }[];
  holds: Hold[];
  /** Open holds an auditor should look at (424.4): wide (approval needed or predating it), open over a year, past review. */
  hold_concerns: { broad: Hold[]; long: Hold[]; overdue: Hold[] };
  purges: PurgeRecord[];
  exports: {
    at: string;
    username: string;
    case_number: string | null;
    outcome: string;
    reads: number;
    /**
     * On an allowed export: whether its client confirmed writing the package ('confirmed'),
     * reported or met a failure ('failed: why'), or never said ('not confirmed'); else null.
     */
    written: string | null;
    detail: Record<string, unknown>;
  }[];
  releases: Release[];
  records_requests: RecordsRequest[];
  logins: { username: string; succeeded: number; failed: number; lockouts: number }[];
  lockouts: { at: string; username: string; locked_until: string }[];
  training_lapsed: {
    username: string;
    full_name: string;
    role: string;
    expires_on: string | null;
    status: 'none' | 'expired' | 'expiring';
  }[];
  /** Active accounts that do not name one person (424.3(b)): no employee number, or a shared-looking name. */
  identity_incomplete: { username: string; full_name: string; role: string; problem: string }[];
}

const SEARCH_ACTIONS = new Set(['search', 'view_hits', 'verify_hit', 'export', 'hold_create', 'release']);
/** An export's steps: the data read, the package handed to the client, the client's write. */
const EXPORT_ACTIONS = new Set(['export', 'export_handed', 'export_written']);

/** How an allowed export's write stands (see AuditReport.exports.written); null on other steps. */
function exportWritten(audit: AuditLog, e: AuditEntry): string | null {
  if (e.action !== 'export' || e.outcome !== 'allowed' || typeof e.query.export_id !== 'string') return null;
  const s = writeStatus(audit, e.caseNumber ?? '', e.query.export_id);
  return s.written === 'failed' ? `failed: ${s.error}` : s.written;
}

export function buildAuditReport(
  db: Db,
  o: {
    from: number;
    to: number;
    now: number;
    unitId: string;
    unitKeySha256?: string | undefined;
    by: string;
    trainingWarningDays: number;
    auditRetentionDays?: number | undefined;
  },
): AuditReport {
  const audit = new AuditLog(db);
  const entries = audit.between(o.from, o.to);
  const iso = (t: number): string => new Date(t).toISOString();

  const groups = new Map<string, AuditReport['searches_by_user_and_purpose'][number]>();
  for (const e of entries.filter((x) => SEARCH_ACTIONS.has(x.action))) {
    const key = JSON.stringify([e.username, e.purposeCategory, e.caseNumber]);
    const g = groups.get(key) ?? {
      username: e.username,
      role: e.role,
      purpose_category: e.purposeCategory,
      case_number: e.caseNumber,
      actions: {},
      results: 0,
      refused: 0,
    };
    g.actions[e.action] = (g.actions[e.action] ?? 0) + 1;
    if (e.outcome === 'allowed') g.results += e.resultCount;
    else g.refused++;
    groups.set(key, g);
  }

  const hitCounts = new HitViewStore(db).statusCounts(o.from, o.to);
  const hc = (s: string): number => hitCounts.find((h) => h.status === s)?.n ?? 0;

  const logins = new Map<string, { username: string; succeeded: number; failed: number; lockouts: number }>();
  for (const e of entries.filter((x) => x.action === 'login' || x.action === 'lockout')) {
    const l = logins.get(e.username) ?? { username: e.username, succeeded: 0, failed: 0, lockouts: 0 };
    if (e.action === 'lockout') l.lockouts++;
    else if (e.outcome === 'allowed') l.succeeded++;
    else l.failed++;
    logins.set(e.username, l);
  }

  const reads = new ReadStore(db);
  const hitReadPosition = (hitId: string): string => {
    const r = reads.ofHit(hitId);
    if (!r) return 'read purged';
    const how = describeLocated(r.position, r.positionStatus);
    return r.position ? `${r.position.lat.toFixed(5)},${r.position.lon.toFixed(5)} (${how})` : how;
  };

  const users = new UserStore(db);
  const warnUntil = isoDay(o.now + o.trainingWarningDays * 86_400_000);
  const training_lapsed: AuditReport['training_lapsed'] = [];
  for (const u of users.list().filter((x) => x.disabledAt === null)) {
    const exp = users.trainingExpiry(u.id, o.now);
    const status =
      exp === null ? 'none' : !trainingCurrent(exp, o.now) ? 'expired' : exp <= warnUntil ? 'expiring' : undefined;
    if (status)
      training_lapsed.push({ username: u.username, full_name: u.fullName, role: u.role, expires_on: exp, status });
  }

  const chain = audit.verify({ retentionDays: o.auditRetentionDays });
  const identity_incomplete: AuditReport['identity_incomplete'] = [];
  for (const u of users.list().filter((x) => x.disabledAt === null)) {
    const problem =
      u.employeeNumber === null
        ? 'employee number missing'
        : identityProblem({ ...u, employeeNumber: u.employeeNumber });
    if (problem) identity_incomplete.push({ username: u.username, full_name: u.fullName, role: u.role, problem });
  }

  return {
    unit_id: o.unitId,
    unit_key_sha256: o.unitKeySha256 ?? null,
    from: iso(o.from),
    to: iso(o.to),
    generated_at: iso(o.now),
    generated_by: o.by,
    chain,
    audit_head: chain.head,
    searches_by_user_and_purpose: [...groups.values()].sort((a, b) => a.username.localeCompare(b.username)),
    refusals: entries
      .filter((e) => e.outcome === 'refused' && e.action !== 'login')
      .map((e) => ({ at: iso(e.at), username: e.username, action: e.action, reason: String(e.detail.reason ?? '') })),
    hits: {
      total: hitCounts.reduce((n, h) => n + h.n, 0),
      unverified: hc('unverified'),
      confirmed: hc('confirmed'),
      rejected: hc('rejected'),
      verifications: entries
        .filter((e) => e.action === 'verify_hit' && e.outcome === 'allowed' && e.query.kind !== 'hit_disposition')
        .map((e) => ({
          at: iso(e.at),
          username: e.username,
          hit_id: String(e.query.hit_id),
          outcome: String(e.query.outcome),
          reference: String(e.query.reference),
          read_position: hitReadPosition(String(e.query.hit_id)),
        })),
      dispositions: entries
        .filter((e) => e.action === 'verify_hit' && e.outcome === 'allowed' && e.query.kind === 'hit_disposition')
        .map((e) => ({
          at: iso(e.at),
          username: e.username,
          hit_id: String(e.query.hit_id),
          disposition: String(e.query.disposition),
          action_taken: String(e.query.action_taken),
        })),
    },
    page_views: entries
      .filter((e) => e.outcome === 'allowed' && e.detail.via === 'page')
      .map((e) => {
        const n = (k: string): number => (Array.isArray(e.detail[k]) ? (e.detail[k] as unknown[]).length : 0);
        return {
          at: iso(e.at),
          username: e.username,
          purpose_category: e.purposeCategory,
          case_number: e.caseNumber,
          kind: String(e.query.kind),
          hits: n('hit_ids'),
          reads: n('read_ids'),
          crops: n('crop_read_ids'),
        };
      }),
    holds: new HoldStore(db).changedBetween(o.from, o.to),
    hold_concerns: new HoldStore(db).concerns(o.now, 365 * 86_400_000),
    purges: new PurgeRecordStore(db).between(o.from, o.to),
    exports: entries
      .filter((e) => EXPORT_ACTIONS.has(e.action))
      .map((e: AuditEntry) => ({
        at: iso(e.at),
        username: e.username,
        case_number: e.caseNumber,
        outcome: `${e.action}:${e.outcome}`,
        reads: e.resultCount,
        written: exportWritten(audit, e),
        detail: e.detail,
      })),
    releases: new ReleaseStore(db).between(o.from, o.to),
    records_requests: new RecordsRequestStore(db).between(o.from, o.to),
    logins: [...logins.values()].sort((a, b) => a.username.localeCompare(b.username)),
    lockouts: entries
      .filter((e) => e.action === 'lockout')
      .map((e) => ({ at: iso(e.at), username: e.username, locked_until: iso(Number(e.detail.locked_until)) })),
    training_lapsed,
    identity_incomplete,
  };
}
