import { AccessDeniedError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import type { Db } from '../store/database.js';
import { AuditLog } from '../store/audit-log.js';
import { ReadStore, type StoredRead } from '../store/reads.js';
import { HoldStore, type Hold, type HoldScope } from '../store/holds.js';
import { ReleaseStore, releaseProblem, type Release, type ReleaseInput } from '../store/releases.js';
import { RecordsRequestStore, type RecordsRequest } from '../store/records-requests.js';
import { AgencyStore, type Agency } from '../store/agencies.js';
import { federalNeedsNotification, notificationProblem, standingNotification } from './release-rules.js';
import { defaultRetentionConfig } from '../retention/config.js';
import { refusalReason, type AuthenticatedUser } from './authorize.js';
import { approvalProblem, holdNeedsApproval, holdScopeProblem, reviewDate, type HoldLimits } from './hold-rules.js';
import { PURPOSE_ACTIONS, type Action } from './roles.js';
import type { Purpose } from './purpose.js';
import { canvassReads, parsePlatePattern, searchReads, type CanvassQuery, type ReadQuery } from './read-queries.js';
import { buildAuditReport, type AuditReport } from './audit-report.js';
import type { AuditVerification, VerifyOptions } from '../store/audit-log.js';
import { HitViewStore } from '../store/hit-views.js';
import { transactionsOn, type Transactions } from '../store/transactions.js';
import { recordVerification, type HitQuery, type HitView, type Verification } from './hit-queries.js';

/** What a unit of audited work returns: its value and how many records it showed or changed. */
export interface Outcome<T> {
  value: T;
  count: number;
  detail?: Record<string, unknown>;
}

const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

/**
 * THE path to ALPR data (policy 424.5(b),(c), 424.3(b),(e)). Every search, view, verification,
 * hold, export and release goes through `perform`, which checks role and training, requires a
 * purpose, runs the work and appends the audit entry (user, time, action, purpose, query, result
 * count) in the same transaction, so data is never shown without its record. Refusals and
 * failures are audited too. The CLI and the HTTP API both call this class; nothing else reads
 * the reads table for a person.
 */
export class AuditedAccess {
  private readonly audit: AuditLog;
  readonly holds: HoldStore;
  private readonly releases: ReleaseStore;
  private readonly agencies: AgencyStore;
  private readonly records: RecordsRequestStore;
  private readonly readStore: ReadStore;
  private readonly hitViews: HitViewStore;
  private readonly tx: Transactions;

  /**
   * @param db an open database; @param clock the time stamped on entries; @param holdLimits the
   * retention settings that bound evidence holds.
   */
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly holdLimits: HoldLimits = defaultRetentionConfig,
  ) {
    this.audit = new AuditLog(db);
    this.holds = new HoldStore(db);
    this.releases = new ReleaseStore(db);
    this.agencies = new AgencyStore(db);
    this.records = new RecordsRequestStore(db);
    this.readStore = new ReadStore(db);
    this.hitViews = new HitViewStore(db);
    this.tx = transactionsOn(db);
  }

  /**
   * Runs `work` for `user` if their role and training allow `action` and (for data actions) a
   * purpose is given; audits the outcome in the same transaction. `write` work takes the write
   * lock up front; read work starts deferred (so a search does not block ingest in another
   * process) and, if another writer committed before its audit entry, is rerun holding the lock.
   */
  perform<T>(
    user: AuthenticatedUser,
    action: Action,
    purpose: Purpose | undefined,
    query: Record<string, unknown>,
    work: () => Outcome<T>,
    mode: 'read' | 'write' = 'read',
  ): T {
    const now = this.clock.now();
    const base = {
      at: now,
      username: user.username,
      role: user.role,
      action,
      purposeCategory: purpose?.category,
      caseNumber: purpose?.caseNumber,
      query,
    };
    let reason = refusalReason(user, action, now);
    if (!reason && PURPOSE_ACTIONS.has(action) && !purpose) {
      reason = 'a purpose is required (policy 424.5(c)): a category and a case or incident number';
    }
    if (reason) {
      this.audit.append({ ...base, outcome: 'refused', detail: { reason } });
      throw new AccessDeniedError(reason);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const audited = (): T => {
          const out = work();
          this.audit.append({ ...base, outcome: 'allowed', resultCount: out.count, detail: out.detail });
          return out.value;
        };
        // A deferred read loses its snapshot if another process (the daemon's ingest) commits
        // before the audit entry is written; the retry takes the write lock up front instead.
        return mode === 'write' || attempt > 0 ? this.tx.immediate(audited) : this.tx.run(audited);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code && BUSY.has(code) && attempt < 5) continue;
        if (err instanceof AccessDeniedError) {
          this.audit.append({ ...base, outcome: 'refused', detail: { reason: err.message } });
        } else {
          this.audit.append({ ...base, outcome: 'failed', detail: { error: (err as Error).message } });
        }
        throw err;
      }
    }
  }

  /**
   * Audits a refusal decided before `perform` could run (a malformed purpose or case) and throws
   * it, so every refusal is on the record (424.5(b)).
   */
  refuse(user: AuthenticatedUser, action: Action, query: Record<string, unknown>, reason: string): never {
    this.audit.append({
      at: this.clock.now(),
      username: user.username,
      role: user.role,
      action,
      query,
      outcome: 'refused',
      detail: { reason },
    });
    throw new AccessDeniedError(reason);
  }

  /** Audits and throws the refusal of a whole API request (e.g. any route but a password change while one is due). */
  refuseRequest(user: AuthenticatedUser, route: string, reason: string): never {
    this.audit.append({
      at: this.clock.now(),
      username: user.username,
      role: user.role,
      action: 'api_request',
      query: { route },
      outcome: 'refused',
      detail: { reason },
    });
    throw new AccessDeniedError(reason);
  }

  /** Search by exact or partial plate (`*`, `?`), window and cameras (424.3(c),(d)). */
  searchReads(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    q: ReadQuery,
  ): { reads: StoredRead[]; truncated: boolean } {
    const query = {
      kind: 'plate_search',
      plate: q.plate ?? null,
      from: q.from,
      to: q.to,
      cameras: q.cameras ?? [],
      limit: q.limit ?? null,
    };
    return this.perform(user, 'search', purpose, query, () => {
      const r = searchReads(this.readStore, q);
      return { value: r, count: r.reads.length, detail: { truncated: r.truncated } };
    });
  }

  /** Every read near a point during a window: a canvass around an incident (424.3(d)). */
  canvass(user: AuthenticatedUser, purpose: Purpose | undefined, q: CanvassQuery): ReturnType<typeof canvassReads> {
    const query = {
      kind: 'canvass',
      lat: q.lat,
      lon: q.lon,
      radius_m: q.radiusM,
      from: q.from,
      to: q.to,
      cameras: q.cameras ?? [],
    };
    return this.perform(user, 'search', purpose, query, () => {
      const r = canvassReads(this.readStore, q);
      return { value: r, count: r.reads.length, detail: { truncated: r.truncated } };
    });
  }

  /** One read with its crop and hits. */
  viewRead(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    readId: string,
  ): { read: StoredRead; crop: Buffer | undefined; hits: HitView[] } | undefined {
    return this.perform(user, 'search', purpose, { kind: 'view_read', read_id: readId }, () => {
      const read = this.readStore.get(readId);
      if (!read) return { value: undefined, count: 0 };
      return { value: { read, crop: this.readStore.crop(readId), hits: this.hitViews.ofReads([readId]) }, count: 1 };
    });
  }

  /** Hits of a window, each with its verification state (unverified until recorded, 424.3(f)). */
  listHits(user: AuthenticatedUser, purpose: Purpose | undefined, q: HitQuery): HitView[] {
    return this.perform(
      user,
      'view_hits',
      purpose,
      { kind: 'hits', from: q.from, to: q.to, status: q.status ?? null },
      () => {
        const hits = this.hitViews.list(q);
        return { value: hits, count: hits.length };
      },
    );
  }

  /** Records the bureau's answer on a hit: who, when, outcome, reference, note (424.3(f)). */
  verifyHit(user: AuthenticatedUser, purpose: Purpose | undefined, v: Verification): HitView {
    const query = { kind: 'verify_hit', hit_id: v.hitId, outcome: v.outcome, reference: v.reference };
    return this.perform(
      user,
      'verify_hit',
      purpose,
      query,
      () => {
        const before = this.hitViews.get(v.hitId);
        const hit = recordVerification(this.hitViews, v, user.username, this.clock.now());
        return {
          value: hit,
          count: 1,
          detail: { plate: hit.plate, previous_status: before?.status ?? null, note: v.note },
        };
      },
      'write',
    );
  }

  /**
   * Puts reads under an evidence hold for the purpose's case (424.4): the purge skips them. A
   * range ends no later than now; one wider than retention.hold_max_range_days protects nothing
   * until a second person approves it; every hold lapses at its review date unless renewed.
   */
  createHold(user: AuthenticatedUser, purpose: Purpose | undefined, h: { reason: string; scope: HoldScope }): Hold {
    const scope =
      h.scope.kind === 'range' && h.scope.platePattern
        ? { ...h.scope, platePattern: parsePlatePattern(h.scope.platePattern).value }
        : h.scope;
    const query = { kind: 'hold_create', scope, reason: h.reason };
    return this.perform(
      user,
      'hold_create',
      purpose,
      query,
      () => {
        const now = this.clock.now();
        const problem = holdScopeProblem(scope, now);
        if (problem) throw new AccessDeniedError(problem);
        const wide = holdNeedsApproval(scope, this.holdLimits);
        const hold = this.holds.create(
          {
            caseNumber: purpose!.caseNumber,
            reason: h.reason,
            createdBy: user.username,
            scope,
            reviewAt: reviewDate(now, this.holdLimits),
            approval: wide ? 'pending' : 'not_needed',
          },
          now,
        );
        return {
          value: hold,
          count: this.holds.readIdsForCase(hold.caseNumber, now).length,
          detail: { hold_id: hold.id, approval: hold.approval, review_at: hold.reviewAt },
        };
      },
      'write',
    );
  }

  /** The purpose an action on an existing hold is audited under: administration of its case. */
  private holdPurpose(holdId: number): Purpose | undefined {
    const existing = this.holds.get(holdId);
    return existing ? { category: 'administrative_action', caseNumber: existing.caseNumber } : undefined;
  }

  releaseHold(user: AuthenticatedUser, holdId: number, reason: string): Hold {
    const purpose = this.holdPurpose(holdId);
    return this.perform(
      user,
      'hold_release',
      purpose,
      { kind: 'hold_release', hold_id: holdId, reason },
      () => {
        const hold = this.holds.release(holdId, user.username, reason, this.clock.now());
        return { value: hold, count: 1, detail: { hold_id: holdId } };
      },
      'write',
    );
  }

  /** A second person (supervisor or administrator, not the requester) lets a wide hold protect its range. */
  approveHold(user: AuthenticatedUser, holdId: number, note: string): Hold {
    const purpose = this.holdPurpose(holdId);
    return this.perform(
      user,
      'hold_approve',
      purpose,
      { kind: 'hold_approve', hold_id: holdId, note },
      () => {
        const h = this.holds.get(holdId);
        if (!h) throw new Error(`no hold ${holdId}`);
        const problem = approvalProblem(user.username, h.createdBy, holdId);
        if (problem) throw new AccessDeniedError(problem);
        const hold = this.holds.approve(holdId, user.username, this.clock.now());
        return { value: hold, count: this.holds.readIdsForCase(hold.caseNumber, this.clock.now()).length };
      },
      'write',
    );
  }

  /** Keeps a hold past its review date for another period, with the reason it is still needed. */
  renewHold(user: AuthenticatedUser, holdId: number, reason: string): Hold {
    const purpose = this.holdPurpose(holdId);
    return this.perform(
      user,
      'hold_renew',
      purpose,
      { kind: 'hold_renew', hold_id: holdId, reason },
      () => {
        const now = this.clock.now();
        const before = this.holds.get(holdId);
        const hold = this.holds.renew(holdId, user.username, reason, now, reviewDate(now, this.holdLimits));
        return {
          value: hold,
          count: 1,
          detail: { previous_review_at: before?.reviewAt ?? null, review_at: hold.reviewAt },
        };
      },
      'write',
    );
  }

  listHolds(user: AuthenticatedUser, opts: { includeReleased?: boolean; caseNumber?: string } = {}): Hold[] {
    return this.perform(user, 'hold_list', undefined, { kind: 'hold_list', ...opts }, () => {
      const holds = this.holds.list(opts);
      return { value: holds, count: holds.length };
    });
  }

  /**
   * Records a release of data to another agency (424.4, 424.5(d)). The agency must be in the
   * registry, which gives its level; the release names the export or hold of the case it covers.
   * A federal release needs a criminal-investigation purpose and a County Attorney notification
   * that stands (not in the future, not before the case's first access). Refusals are audited.
   */
  recordRelease(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    r: {
      agency: string;
      requestingOfficer: string;
      legalBasis: string;
      what: string;
      exportId?: string | undefined;
      holdId?: number | undefined;
      packageId?: string | undefined;
      attorneyNotifiedBy?: string | undefined;
      attorneyNotifiedAt?: number | undefined;
    },
  ): Release {
    const query = {
      kind: 'release',
      agency: r.agency,
      officer: r.requestingOfficer,
      legal_basis: r.legalBasis,
      what: r.what,
      export_id: r.exportId ?? null,
      hold_id: r.holdId ?? null,
    };
    return this.perform(
      user,
      'release',
      purpose,
      query,
      () => {
        const now = this.clock.now();
        const caseNumber = purpose!.caseNumber;
        const agency = this.agencies.byName(r.agency);
        if (!agency)
          throw new AccessDeniedError(
            `agency "${r.agency}" is not in the agency registry: an administrator registers it with its level (alpr-edge agencies add NAME --level LEVEL)`,
          );
        const coverage = this.coverageProblem(caseNumber, r.exportId, r.holdId);
        if (coverage) throw new AccessDeniedError(coverage);
        if (r.attorneyNotifiedBy !== undefined || r.attorneyNotifiedAt !== undefined)
          this.notifyAttorney(user, caseNumber, r.attorneyNotifiedBy ?? '', r.attorneyNotifiedAt ?? Number.NaN);
        const firstAccess = this.releases.firstAccess(caseNumber);
        const standing = standingNotification(this.releases.notifications(caseNumber), now, firstAccess);
        const input: ReleaseInput = {
          agency: agency.name,
          agencyLevel: agency.level,
          agencyId: agency.id,
          requestingOfficer: r.requestingOfficer,
          legalBasis: r.legalBasis,
          what: r.what,
          exportId: r.exportId,
          holdId: r.holdId,
          packageId: r.packageId,
          caseNumber,
          purposeCategory: purpose!.category,
          attorneyNotifiedBy: standing?.notifiedBy,
          attorneyNotifiedAt: standing?.notifiedAt,
        };
        const problem = releaseProblem(input, now);
        if (problem)
          throw new AccessDeniedError(
            agency.level === 'federal' && !standing && /County Attorney/.test(problem)
              ? federalNeedsNotification(caseNumber, firstAccess)
              : problem,
          );
        const rel = this.releases.record(input, user.username, now);
        return {
          value: rel,
          count: 1,
          detail: { release_id: rel.id, level: agency.level, attorney_notified_by: standing?.notifiedBy ?? null },
        };
      },
      'write',
    );
  }

  /** Records that the County Attorney was told of a case (before a federal release, 424.4). */
  recordAttorneyNotification(
    user: AuthenticatedUser,
    caseNumber: string,
    n: { notifiedBy: string; notifiedAt: number },
  ): { caseNumber: string; notifiedBy: string; notifiedAt: number } {
    const purpose = { category: 'criminal_investigation' as const, caseNumber };
    return this.perform(
      user,
      'release',
      purpose,
      { kind: 'attorney_notification', notified_by: n.notifiedBy, notified_at: n.notifiedAt },
      () => {
        this.notifyAttorney(user, caseNumber, n.notifiedBy, n.notifiedAt);
        return { value: { caseNumber, ...n }, count: 1 };
      },
      'write',
    );
  }

  /** Checks and stores a notification inside the caller's transaction; throws AccessDeniedError if it cannot stand. */
  private notifyAttorney(user: AuthenticatedUser, caseNumber: string, by: string, at: number): void {
    if (!by.trim()) throw new AccessDeniedError('say who notified the County Attorney (--notified-by NAME)');
    const problem = notificationProblem(at, this.clock.now(), this.releases.firstAccess(caseNumber));
    if (problem) throw new AccessDeniedError(problem);
    this.releases.recordNotification({ caseNumber, notifiedBy: by, notifiedAt: at }, user.username, this.clock.now());
  }

  /** Why the export or hold named does not cover this case's release, or undefined. */
  private coverageProblem(
    caseNumber: string,
    exportId: string | undefined,
    holdId: number | undefined,
  ): string | undefined {
    if (exportId === undefined && holdId === undefined)
      return 'a release names the data that left: --export EXPORT_ID (from alpr-edge evidence export) or --hold HOLD_ID';
    if (exportId !== undefined) {
      const c = this.releases.exportCase(exportId);
      if (c === undefined) return `no evidence export ${exportId}`;
      if (c !== caseNumber) return `export ${exportId} is of case ${c}, not ${caseNumber}`;
    }
    if (holdId !== undefined) {
      const h = this.holds.get(holdId);
      if (!h) return `no hold ${holdId}`;
      if (h.caseNumber !== caseNumber) return `hold ${holdId} is of case ${h.caseNumber}, not ${caseNumber}`;
    }
    return undefined;
  }

  /** Why an export of this case is refused for want of a County Attorney notification, or undefined. */
  federalExportProblem(caseNumber: string): string | undefined {
    if (!this.releases.releasedFederally(caseNumber)) return undefined;
    const firstAccess = this.releases.firstAccess(caseNumber);
    if (standingNotification(this.releases.notifications(caseNumber), this.clock.now(), firstAccess)) return undefined;
    return `case ${caseNumber} was released to a federal agency: ${federalNeedsNotification(caseNumber, firstAccess)}`;
  }

  /** Registers an agency and its level (administrator). */
  addAgency(user: AuthenticatedUser, a: { name: string; level: string }): Agency {
    return this.perform(
      user,
      'agency_manage',
      undefined,
      { kind: 'agency_add', name: a.name, level: a.level },
      () => ({ value: this.agencies.add(a, user.username, this.clock.now()), count: 1 }),
      'write',
    );
  }

  listAgencies(user: AuthenticatedUser): Agency[] {
    return this.perform(user, 'agency_list', undefined, { kind: 'agency_list' }, () => {
      const list = this.agencies.list();
      return { value: list, count: list.length };
    });
  }

  /** Records a non-law-enforcement request and refers it to the Records Manager (424.5(a)); returns no data. */
  recordRecordsRequest(
    user: AuthenticatedUser,
    r: { requester: string; organization?: string; contact?: string; description: string },
  ): RecordsRequest {
    return this.perform(
      user,
      'records_request_create',
      undefined,
      { kind: 'records_request', requester: r.requester, organization: r.organization ?? '' },
      () => {
        const req = this.records.record(r, user.username, this.clock.now());
        return { value: req, count: 0, detail: { request_id: req.id, routed_to: req.routedToRole } };
      },
      'write',
    );
  }

  listRecordsRequests(user: AuthenticatedUser, opts: { open?: boolean } = {}): RecordsRequest[] {
    return this.perform(user, 'records_request_manage', undefined, { kind: 'records_request_list', ...opts }, () => {
      const list = this.records.list(opts);
      return { value: list, count: list.length };
    });
  }

  updateRecordsRequest(
    user: AuthenticatedUser,
    id: number,
    status: 'in_progress' | 'closed',
    resolution: string,
  ): RecordsRequest {
    return this.perform(
      user,
      'records_request_manage',
      undefined,
      { kind: 'records_request_update', id, status },
      () => {
        const req = this.records.update(id, status, user.username, resolution, this.clock.now());
        return { value: req, count: 1, detail: { resolution } };
      },
      'write',
    );
  }

  /** The regular audit (424.5(e)) for [from, to). */
  auditReport(
    user: AuthenticatedUser,
    o: {
      from: number;
      to: number;
      unitId: string;
      unitKeySha256?: string;
      trainingWarningDays: number;
      auditRetentionDays?: number;
    },
  ): AuditReport {
    return this.perform(user, 'audit_report', undefined, { kind: 'audit_report', from: o.from, to: o.to }, () => {
      const report = buildAuditReport(this.db, { ...o, now: this.clock.now(), by: user.username });
      return { value: report, count: report.searches_by_user_and_purpose.length };
    });
  }

  /** Checks the audit log's chain (424.5(b)): MACs with the key, and the published head if given; the check itself is audited. */
  verifyAuditLog(user: AuthenticatedUser, opts: Omit<VerifyOptions, 'key'> = {}): AuditVerification {
    const query = { kind: 'audit_verify', ...(opts.expectHead ? { expect_head: opts.expectHead.seq } : {}) };
    return this.perform(user, 'audit_verify', undefined, query, () => {
      const v = this.audit.verify(opts);
      return {
        value: v,
        count: v.entries,
        detail: v.ok ? { ok: true } : { ok: false, problem: v.problem, seq: v.seq },
      };
    });
  }
}
