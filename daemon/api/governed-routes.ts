import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseTime } from '../shared/time-input.js';
import type { AgencyLevel } from '../store/releases.js';
import { holdProtects, type Hold, type HoldScope } from '../store/holds.js';
import { authorizeAudited } from '../access/authorize.js';
import { identityProblem } from '../access/identity.js';
import { hitsForUser, PageAccess } from '../access/page-access.js';
import { exportEvidence } from '../access/evidence.js';
import { recordExportOutcome } from '../access/export-outcome.js';
import { renderAuditReportHtml } from '../access/audit-report-html.js';
import { SEALED_SUFFIX, sealPackage } from '../evidence/sealed.js';
import type { UnitKey } from '../evidence/unit-key.js';
import type { AGENCY_LEVELS } from './contract.js';
import { hotlistRoutes } from './hotlist-routes.js';
import { buildOpenApi } from './openapi.js';
import { purposeOf, type RouteDeps, type RouteHandlers } from './route-kit.js';

// The contract lists the agency levels again (it may not import the store): a change to one
// without the other fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const levelsAgree: Same<(typeof AGENCY_LEVELS)[number], AgencyLevel> = true;
void levelsAgree;

function numberParam(params: Record<string, string>, name: string): number {
  const n = Number(params[name]);
  if (!Number.isInteger(n)) throw new Error(`"${params[name] ?? ''}" is not a ${name}`);
  return n;
}

/** The files of a package folder, relative paths, in a stable order. */
function filesUnder(dir: string, base = dir): { path: string; data_base64: string }[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return filesUnder(p, base);
      return e.isFile()
        ? [{ path: relative(base, p).split(sep).join('/'), data_base64: readFileSync(p).toString('base64') }]
        : [];
    });
}

/** One handler per route of API_ROUTES: authenticate (done by the server), purpose, AuditedAccess, reply. */
export function governedRoutes(deps: RouteDeps, unitKey: () => UnitKey): RouteHandlers {
  const { access, clock } = deps;
  const page = new PageAccess(deps.db, access, clock);
  // Policy 424.3(g): the entry's reason is the bureau's; only users holding the authorization get it.
  const cbi = (u: { id: number }) => page.cbiAuthorization(u.id) !== undefined;
  const time = (v: string | number, flag: string, endOfDay = false): number =>
    parseTime(v, flag, { now: clock.now(), endOfDay });
  const withProtects = (h: Hold) => ({ ...h, protects: holdProtects(h, clock.now()) });
  return {
    async login({ body }) {
      const user = await deps.authenticator.login(body.user, body.password, clock.now(), 'api');
      const s = deps.sessions.open(user.id);
      return {
        token: s.token,
        expires_at: new Date(s.expiresAt).toISOString(),
        user: user.username,
        role: user.role,
        must_change_password: user.mustChangePassword ?? false,
      };
    },
    async changeOwnPassword({ user, body }) {
      await deps.users.changeOwnPassword(user, body.current_password, body.new_password);
      return { ok: true as const };
    },
    logout({ token }) {
      if (token) deps.sessions.close(token);
      return { ok: true as const };
    },
    bootstrapSecret() {
      if (!deps.bootstrap.needed()) return { needed: false };
      const issued = deps.bootstrap.readSecret() === undefined;
      const file = deps.bootstrap.ensureSecret(clock.now());
      return { needed: true, issued, ...(file ? { file } : {}) };
    },
    async bootstrap({ body }) {
      const u = await deps.bootstrap.createFirstAdministrator(
        {
          secret: body.secret,
          username: body.username,
          fullName: body.full_name,
          employeeNumber: body.employee_number,
          password: body.password,
          minPasswordLength: deps.accessConfig.min_password_length,
        },
        clock.now(),
      );
      return { username: u.username };
    },
    searchReads({ user, body }) {
      const purpose = purposeOf(deps, user, 'search', body, { kind: 'plate_search', plate: body.plate ?? null });
      return access.searchReads(user, purpose, {
        plate: body.plate,
        from: time(body.from, '--from'),
        to: time(body.to, '--to', true),
        cameras: body.cameras,
        limit: body.limit,
      });
    },
    canvass({ user, body }) {
      const purpose = purposeOf(deps, user, 'search', body, { kind: 'canvass', lat: body.lat, lon: body.lon });
      return access.canvass(user, purpose, {
        lat: body.lat,
        lon: body.lon,
        radiusM: body.radius_m,
        from: time(body.from, '--from'),
        to: time(body.to, '--to', true),
        cameras: body.cameras,
        limit: body.limit,
      });
    },
    viewRead({ user, body, params }) {
      const id = params.id ?? '';
      const purpose = purposeOf(deps, user, 'search', body, { kind: 'view_read', read_id: id });
      const r = access.viewRead(user, purpose, id);
      if (!r) return { read: null, hits: [], crop_base64: null };
      return {
        read: r.read,
        hits: hitsForUser(cbi(user), r.hits),
        crop_base64: body.crop && r.crop ? r.crop.toString('base64') : null,
      };
    },
    listHits({ user, body }) {
      const purpose = purposeOf(deps, user, 'view_hits', body, { kind: 'hits' });
      const hits = access.listHits(user, purpose, {
        from: time(body.from, '--from'),
        to: time(body.to, '--to', true),
        status: body.status,
      });
      return { hits: hitsForUser(cbi(user), hits) };
    },
    verifyHit({ user, body, params }) {
      const hitId = params.id ?? '';
      const purpose = purposeOf(
        deps,
        user,
        'verify_hit',
        body,
        { kind: 'verify_hit', hit_id: hitId },
        'hit_verification',
      );
      const hit = access.verifyHit(user, purpose, {
        hitId,
        outcome: body.outcome,
        reference: body.reference,
        note: body.note ?? '',
      });
      return { hit: hitsForUser(cbi(user), [hit])[0]! };
    },
    createHold({ user, body }) {
      let scope: HoldScope;
      if (body.read_ids?.length) scope = { kind: 'reads', readIds: body.read_ids };
      else if (body.from !== undefined || body.to !== undefined)
        scope = {
          kind: 'range',
          from: time(body.from ?? '', '--from'),
          to: time(body.to ?? '', '--to', true),
          platePattern: body.plate,
          cameraId: body.camera,
        };
      else throw new Error('say what to hold: --read ID[,ID...] or --from TIME --to TIME [--plate P] [--camera C]');
      const purpose = purposeOf(deps, user, 'hold_create', body, { kind: 'hold_create' }, 'criminal_investigation');
      const hold = access.createHold(user, purpose, { reason: body.reason, scope });
      return { hold: withProtects(hold), kept_reads: access.holds.readIdsForCase(hold.caseNumber, clock.now()).length };
    },
    listHolds({ user, body }) {
      return {
        holds: access.listHolds(user, { includeReleased: body.all ?? false, caseNumber: body.case }).map(withProtects),
      };
    },
    approveHold({ user, body, params }) {
      const hold = access.approveHold(user, numberParam(params, 'id'), body.note ?? '');
      return { hold: withProtects(hold), kept_reads: access.holds.readIdsForCase(hold.caseNumber, clock.now()).length };
    },
    renewHold({ user, body, params }) {
      return { hold: withProtects(access.renewHold(user, numberParam(params, 'id'), body.reason)) };
    },
    releaseHold({ user, body, params }) {
      return { hold: withProtects(access.releaseHold(user, numberParam(params, 'id'), body.reason)) };
    },
    async exportEvidence({ user, body }) {
      const purpose = purposeOf(deps, user, 'export', body, { kind: 'evidence_export' }, 'criminal_investigation');
      const key = unitKey();
      // The package is built and signed in a private temp folder and handed back, sealed with the
      // exporter's passphrase unless a reason for a plain one is given (audited): the client writes
      // it on the evidence drive with its own rights. The audit records where the client said it goes.
      const tmp = mkdtempSync(join(tmpdir(), 'alpr-export-'));
      try {
        const r = exportEvidence(
          { db: deps.db, clock, access, unitId: deps.unitId, agency: deps.agency, unitKey: key },
          user,
          purpose,
          tmp,
          body.passphrase === undefined
            ? { encrypted: false, plainReason: body.plain_reason ?? '' }
            : { encrypted: true },
          body.destination ?? 'returned to the API client',
        );
        const name = relative(tmp, r.dir);
        const files = filesUnder(r.dir);
        const common = {
          export_id: r.id,
          manifest_sha256: r.manifestSha256,
          unit_key_sha256: key.fingerprint,
          reads: r.reads,
          hits: r.hits,
          crops: r.crops,
        };
        if (body.passphrase === undefined) return { name, encrypted: false, ...common, files };
        let sealed: Buffer;
        try {
          sealed = await sealPackage(
            name,
            files.map((f) => ({ path: f.path, data: Buffer.from(f.data_base64, 'base64') })),
            body.passphrase,
          );
        } catch (err) {
          // Recorded as handed over a moment ago: the log must say it never left after all.
          const error = `the daemon could not encrypt the package: ${(err as Error).message}`;
          try {
            recordExportOutcome(deps, user, { exportId: r.id, ok: false, error });
          } catch (recordErr) {
            throw new Error(`${error}; and the failure was not recorded: ${(recordErr as Error).message}`);
          }
          throw new Error(error);
        }
        const file = `${name}${SEALED_SUFFIX}`;
        return {
          name: file,
          encrypted: true,
          ...common,
          files: [{ path: file, data_base64: sealed.toString('base64') }],
        };
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
    reportEvidenceWritten({ user, body }) {
      const status = recordExportOutcome(
        deps,
        user,
        body.ok
          ? { exportId: body.export_id, ok: true, dir: body.dir, manifestSha256: body.manifest_sha256 }
          : { exportId: body.export_id, ok: false, error: body.error },
      );
      return { export_id: body.export_id, written: status.written === 'confirmed' ? 'confirmed' : 'failed' };
    },
    unitKey() {
      const key = unitKey();
      return { unit_id: deps.unitId, public_key_pem: key.publicKeyPem, fingerprint_sha256: key.fingerprint };
    },
    auditVerify({ user, body }) {
      return access.verifyAuditLog(user, {
        expectHead: body.expectHead,
        retentionDays: deps.accessConfig.audit_retention_days,
      });
    },
    auditReport({ user, body }) {
      const report = access.auditReport(user, {
        from: time(body.from, '--from'),
        to: time(body.to, '--to', true) + 1,
        unitId: deps.unitId,
        unitKeySha256: unitKey().fingerprint,
        trainingWarningDays: deps.accessConfig.training_warning_days,
        auditRetentionDays: deps.accessConfig.audit_retention_days,
      });
      return { report, html: renderAuditReportHtml(report) };
    },
    listUsers({ user }) {
      return { users: deps.users.list(user) };
    },
    async addUser({ user, body }) {
      if (body.password === undefined) {
        // Lets a client refuse before it asks for a password the caller may not set.
        const query = { kind: 'user_add', username: body.username };
        authorizeAudited(deps.db, user, 'users_manage', clock.now(), query);
        const problem = identityProblem({
          username: body.username,
          fullName: body.full_name,
          employeeNumber: body.employee_number,
        });
        if (problem) access.refuse(user, 'users_manage', query, problem);
        return { username: body.username, created: false };
      }
      const u = await deps.users.add(user, {
        username: body.username,
        fullName: body.full_name,
        employeeNumber: body.employee_number,
        role: body.role,
        password: body.password,
      });
      return { username: u.username, created: true };
    },
    addTraining({ user, body, params }) {
      const t = deps.users.addTraining(user, params.name ?? '', {
        course: body.course ?? 'ALPR office-approved training',
        completedOn: body.completed_on,
        expiresOn: body.expires_on,
      });
      return { completedOn: t.completedOn, expiresOn: t.expiresOn };
    },
    setRole({ user, body, params }) {
      deps.users.setRole(user, params.name ?? '', body.role);
      return { ok: true as const };
    },
    async setPassword({ user, body, params }) {
      const target = await deps.users.setPassword(user, params.name ?? '', body.password);
      // A reset ends the user's sessions: their next login must choose a new password.
      deps.sessions.closeUser(target.id);
      return { ok: true as const };
    },
    setIdentity({ user, body, params }) {
      deps.users.setIdentity(user, params.name ?? '', {
        employeeNumber: body.employee_number,
        fullName: body.full_name,
      });
      return { ok: true as const };
    },
    disableUser({ user, params }) {
      deps.users.disable(user, params.name ?? '');
      return { ok: true as const };
    },
    enableUser({ user, params }) {
      deps.users.enable(user, params.name ?? '');
      return { ok: true as const };
    },
    grantCbi({ user, body, params }) {
      let expiresAt: number | null = null;
      if (body.expires_on !== undefined) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(body.expires_on)) throw new Error('give --expires-on as YYYY-MM-DD');
        // The grant holds through the whole of its last day, UTC.
        expiresAt = Date.parse(`${body.expires_on}T00:00:00Z`) + 86_400_000;
        if (!Number.isFinite(expiresAt)) throw new Error(`"${body.expires_on}" is not a date`);
      }
      const g = page.grantCbi(user, params.name ?? '', expiresAt);
      return {
        granted_at: new Date(g.grantedAt).toISOString(),
        expires_at: g.expiresAt === null ? null : new Date(g.expiresAt).toISOString(),
      };
    },
    revokeCbi({ user, params }) {
      page.revokeCbi(user, params.name ?? '');
      return { ok: true as const };
    },
    addRecordsRequest({ user, body }) {
      return { request: access.recordRecordsRequest(user, body) };
    },
    listRecordsRequests({ user, body }) {
      return { requests: access.listRecordsRequests(user, { open: body.open ?? false }) };
    },
    updateRecordsRequest({ user, body, params }) {
      return {
        request: access.updateRecordsRequest(user, numberParam(params, 'id'), body.status, body.resolution),
      };
    },
    addRelease({ user, body }) {
      const purpose = purposeOf(deps, user, 'release', body, { kind: 'release', agency: body.agency });
      const release = access.recordRelease(user, purpose, {
        agency: body.agency,
        requestingOfficer: body.officer,
        legalBasis: body.legal_basis,
        what: body.what,
        exportId: body.export_id,
        holdId: body.hold_id,
        packageId: body.package,
        attorneyNotifiedBy: body.attorney_notified_by,
        attorneyNotifiedAt:
          body.attorney_notified_at === undefined
            ? undefined
            : time(body.attorney_notified_at, '--attorney-notified-at'),
      });
      return { release };
    },
    attorneyNotification({ user, body, params }) {
      const n = access.recordAttorneyNotification(user, params.case ?? '', {
        notifiedBy: body.notified_by,
        notifiedAt: time(body.notified_at, '--at'),
      });
      return { case: n.caseNumber, notified_by: n.notifiedBy, notified_at: n.notifiedAt };
    },
    addAgency({ user, body }) {
      return { agency: access.addAgency(user, body) };
    },
    listAgencies({ user }) {
      return { agencies: access.listAgencies(user) };
    },
    ...hotlistRoutes(deps),
    openapi() {
      return buildOpenApi();
    },
  };
}
