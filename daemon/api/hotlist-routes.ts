import { authorizeAudited, type AuthenticatedUser } from '../access/authorize.js';
import { entriesForUser } from '../access/page-access.js';
import { PageRecords } from '../store/page-records.js';
import type { Action } from '../access/roles.js';
import type { HotlistService } from '../hotlist/hotlist-service.js';
import { VersionStore } from '../hotlist/version-store.js';
import { parseTime, iso } from '../shared/time-input.js';
import { AuditLog } from '../store/audit-log.js';
import { HitStore } from '../store/hits.js';
import { purposeOf, type RouteDeps, type RouteHandlers } from './route-kit.js';

type HotlistRoutes = Pick<
  RouteHandlers,
  'addHotlistEntry' | 'listHotlistEntries' | 'removeHotlistEntry' | 'hotlistStatus' | 'syncHotlists'
>;

const PURPOSE_REQUIRED =
  'a purpose is required (policy 424.5(c)): a local entry scans stored reads, so give --purpose CATEGORY and --case NUMBER';

/**
 * Local hotlist entries and list maintenance, inside the daemon (its HotlistService, so a new
 * entry is matched at once and its retrospective hits go out through its own outbox). Adding
 * an entry looks at stored reads, so it is governed like a search: role, training, purpose and
 * case, every refusal audited.
 */
export function hotlistRoutes(deps: RouteDeps): HotlistRoutes {
  const { db, clock } = deps;
  const audit = new AuditLog(db);
  const records = new PageRecords(db);
  const service = (): HotlistService => {
    if (!deps.hotlists) throw new Error('this daemon runs no hotlists');
    return deps.hotlists;
  };
  const allowed = (user: AuthenticatedUser, action: Action, entry: Record<string, unknown>): void => {
    audit.append({ at: clock.now(), username: user.username, role: user.role, action, outcome: 'allowed', ...entry });
  };

  return {
    addHotlistEntry({ user, body }) {
      const now = clock.now();
      const query = { op: 'add', plate: body.plate, category: body.category };
      // Role and training first, then the purpose, as AuditedAccess.perform decides.
      authorizeAudited(db, user, 'hotlist_manage', now, query);
      const purpose = purposeOf(deps, user, 'hotlist_manage', body, query);
      if (!purpose) return deps.access.refuse(user, 'hotlist_manage', query, PURPOSE_REQUIRED);
      let expires: number;
      if (body.days !== undefined) {
        if (!(body.days > 0 && body.days <= 365)) throw new Error('--days must be between 0 and 365');
        expires = now + body.days * 86_400_000;
      } else if (body.expires !== undefined) expires = parseTime(body.expires, '--expires', { endOfDay: true, now });
      else throw new Error('give --expires DATE or --days N: a local entry must end');
      const hits = new HitStore(db);
      const before = hits.count();
      const rec = service().addLocalEntry(
        { username: user.username },
        {
          plate: body.plate,
          state: body.state ?? null,
          category: body.category,
          reason: body.reason,
          caseNumber: purpose.caseNumber,
          notes: body.notes ?? '',
          expires,
        },
        (r) =>
          allowed(user, 'hotlist_manage', {
            purposeCategory: purpose.category,
            caseNumber: r.entry.caseNumber,
            detail: {
              op: 'add',
              entry_id: r.id,
              plate: r.entry.plate,
              state: r.entry.state,
              category: r.entry.category,
              reason: r.entry.reason,
              expires: iso(r.entry.expires),
            },
          }),
      );
      return { entry: rec, retro_hits: hits.count() - before };
    },
    listHotlistEntries({ user, body }) {
      authorizeAudited(db, user, 'hotlist_manage', clock.now(), { op: 'list' });
      const entries = service().listLocalEntries(body.all ?? false);
      allowed(user, 'hotlist_manage', { resultCount: entries.length, detail: { op: 'list', all: body.all ?? false } });
      // Policy 424.3(g): reasons, NIC, ORI and notes only for a user holding the CBI-data authorization.
      return { entries: entriesForUser(records.cbiAuthorization(user.id, clock.now()) !== undefined, entries) };
    },
    removeHotlistEntry({ user, params }) {
      const id = params.id ?? '';
      authorizeAudited(db, user, 'hotlist_manage', clock.now(), { op: 'remove', entry_id: id });
      const ok = service().removeLocalEntry({ username: user.username }, id, () =>
        allowed(user, 'hotlist_manage', { detail: { op: 'remove', entry_id: id } }),
      );
      if (!ok) throw new Error(`no live local entry ${id}`);
      return { ok: true as const };
    },
    hotlistStatus({ user }) {
      authorizeAudited(db, user, 'unit_configure', clock.now(), { op: 'hotlist_status' });
      const st = service().status();
      const failures = new VersionStore(db).recent(20).filter((v) => v.outcome !== 'loaded');
      allowed(user, 'unit_configure', { detail: { op: 'hotlist_status' } });
      return {
        ...st,
        recent_failures: failures.map((f) => ({
          source: f.sourceId,
          at: f.fetchedAt,
          outcome: f.outcome,
          message: f.message,
        })),
      };
    },
    async syncHotlists({ user }) {
      authorizeAudited(db, user, 'unit_configure', clock.now(), { op: 'hotlist_sync' });
      const before = clock.now();
      await service().syncNow();
      const records = new VersionStore(db).recent(100).filter((v) => v.fetchedAt >= before);
      const sources = service()
        .status()
        .sources.map((s) => {
          const rec = records.find((v) => v.sourceId === s.id);
          return {
            ...s,
            outcome: rec ? rec.outcome : 'unchanged',
            message: rec?.message ?? '',
            errors: rec?.errors ?? [],
            rows_rejected_total: rec?.rowsRejected ?? 0,
          };
        });
      allowed(user, 'unit_configure', {
        detail: { op: 'hotlist_sync', outcomes: Object.fromEntries(sources.map((s) => [s.id, s.outcome])) },
      });
      return { configured: sources.length, sources };
    },
  };
}
