import type { AuditedAccess } from '../../access/audited-access.js';
import type { AuthenticatedUser } from '../../access/authorize.js';
import type { PageAccess } from '../../access/page-access.js';
import type { Purpose } from '../../access/purpose.js';
import { PERMISSIONS } from '../../access/roles.js';
import type { UserAdmin } from '../../access/user-admin.js';
import { AccessDeniedError } from '../../shared/errors.js';
import type { Clock } from '../../shared/clock.js';
import type { z } from 'zod';
import type {
  PasswordChangeRequest,
  WebHealth,
  WebRouteName,
  WebUnit,
  WebSession,
  dispositionRequestSchema,
  hitsQuerySchema,
  purposeSchema,
  recentReadsQuerySchema,
  searchRequestSchema,
  verificationRequestSchema,
} from '../web-contract.js';
import type { LiveHits } from './live-hits.js';
import { WebRefusal } from './web-errors.js';
import { type PageSite, toWebHit, toWebRead } from './web-hit.js';
import type { PageSession } from './web-sessions.js';

/** What the page's routes work with; built by compose-web.ts from the daemon's access parts. */
export interface WebRouteDeps {
  clock: Clock;
  access: AuditedAccess;
  page: PageAccess;
  site: PageSite;
  cameras: { id: string; name: string }[];
  /** The unit's health as the page shows it; the dispatch console's takes the unit (?unit=ID). */
  health(unitId?: string): Promise<WebHealth> | WebHealth;
  /** unit (default): the in-car page of one unit; dispatch: the multi-unit console. */
  mode?: 'unit' | 'dispatch';
  /** The dispatch console's units; a unit answers /units with itself. */
  units?(): WebUnit[];
  /** A person changes their own password (audited; the password rules of access apply). */
  passwords: Pick<UserAdmin, 'changeOwnPassword'>;
}

/** A request after the server resolved its session and validated its query and body. */
export interface WebCall {
  user: AuthenticatedUser;
  session: PageSession;
  expiresAt: number;
  query: unknown;
  body: unknown;
  params: Record<string, string>;
}

type JsonRoute = Exclude<WebRouteName, 'login' | 'logout' | 'events' | 'crop' | 'liveStart' | 'liveEnd'>;
export type WebHandlers = { [N in JsonRoute]: (c: WebCall) => unknown };

const toPurpose = (p: z.infer<typeof purposeSchema>): Purpose => ({ category: p.category, caseNumber: p.case_number });

/** The session as GET /session, POST /login and POST /purpose answer it. */
export function sessionView(
  deps: WebRouteDeps,
  user: AuthenticatedUser,
  s: PageSession,
  expiresAt: number,
): WebSession {
  const cbi = deps.page.cbiAuthorization(user.id);
  return {
    user: {
      username: user.username,
      full_name: user.fullName,
      role: user.role,
      cbi_authorized: cbi !== undefined,
      cbi_authorized_until: cbi?.expiresAt == null ? null : new Date(cbi.expiresAt).toISOString(),
      training_expires_on: user.trainingExpiresOn,
    },
    mode: deps.mode ?? 'unit',
    site: deps.site.unit,
    csrf_token: s.csrf,
    expires_at: new Date(expiresAt).toISOString(),
    // A password set by an administrator: every data route refuses until its owner changes it.
    must_change_password: user.mustChangePassword === true,
    permissions: [...PERMISSIONS[user.role]],
    patrol_purpose: s.purpose ? { category: s.purpose.category, case_number: s.purpose.caseNumber } : null,
  };
}

/**
 * The page's JSON routes. Every read of data goes through PageAccess or AuditedAccess, which check
 * role, training and purpose and write the audit entry; bureau details are left out for a user
 * without the CBI-data authorization (toWebHit).
 */
export function webRoutes(deps: WebRouteDeps, live: LiveHits): WebHandlers {
  const { page, site, clock } = deps;
  const cbi = (u: AuthenticatedUser) => page.cbiAuthorization(u.id) !== undefined;
  const purposeOf = (s: PageSession): Purpose => {
    if (!s.purpose)
      throw new WebRefusal(
        403,
        'purpose_required',
        'Give the shift purpose and incident number first (policy 424.5(c)).',
      );
    return s.purpose;
  };
  return {
    session: (c) => sessionView(deps, c.user, c.session, c.expiresAt),
    password: async (c) => {
      const b = c.body as PasswordChangeRequest;
      try {
        await deps.passwords.changeOwnPassword(c.user, b.current_password, b.new_password);
      } catch (err) {
        // A wrong current password is a 403; a password the rules refuse is the person's to retype.
        if (err instanceof AccessDeniedError && /^password refused/.test(err.message))
          throw new WebRefusal(400, 'weak_password', err.message, { field: 'new_password' });
        throw err;
      }
      return sessionView(deps, { ...c.user, mustChangePassword: false }, c.session, c.expiresAt);
    },
    patrolPurpose: (c) => {
      c.session.purpose = toPurpose(c.body as z.infer<typeof purposeSchema>);
      return sessionView(deps, c.user, c.session, c.expiresAt);
    },
    hits: (c) => {
      const q = c.query as z.infer<typeof hitsQuerySchema>;
      const after = q.after === undefined ? undefined : Number(q.after);
      if (after !== undefined && !Number.isInteger(after))
        throw new WebRefusal(400, 'invalid', 'after: not a cursor this unit gave', { field: 'after' });
      const hits = page.listHits(c.user, purposeOf(c.session), {
        ...(after === undefined ? {} : { afterRow: after }),
        limit: q.limit,
      });
      // The crops beside them are loaded next; they join the session's next view batch.
      const now = clock.now();
      const auth = cbi(c.user);
      return { hits: hits.map((h) => toWebHit(h, site, auth, now)) };
    },
    disposition: (c) => {
      const b = c.body as z.infer<typeof dispositionRequestSchema>;
      const h = page.recordDisposition(c.user, purposeOf(c.session), {
        hitId: c.params.id ?? '',
        value: b.disposition,
        actionTaken: b.action_taken,
        note: b.note,
      });
      live.updated(h);
      return toWebHit(h, site, cbi(c.user), clock.now());
    },
    verification: (c) => {
      const b = c.body as z.infer<typeof verificationRequestSchema>;
      const hitId = c.params.id ?? '';
      deps.access.verifyHit(
        c.user,
        { category: 'hit_verification', caseNumber: b.case_number },
        { hitId, outcome: b.outcome, reference: b.reference, note: b.note },
      );
      const h = page.hitForPush(hitId);
      if (!h) throw new WebRefusal(404, 'not_found', `no hit "${hitId}"`);
      live.updated(h);
      return toWebHit(h, site, cbi(c.user), clock.now());
    },
    recentReads: (c) => {
      const q = c.query as z.infer<typeof recentReadsQuerySchema>;
      const reads = page.recentReads(c.user, purposeOf(c.session), { limit: q.limit, cameraId: q.camera });
      return { reads: reads.map((r) => toWebRead(r, site)), truncated: reads.length >= q.limit };
    },
    search: (c) => {
      const b = c.body as z.output<typeof searchRequestSchema>;
      const purpose = toPurpose(b.purpose);
      const from = Date.parse(b.from);
      const to = Date.parse(b.to);
      if (!Number.isFinite(from) || !Number.isFinite(to))
        throw new WebRefusal(400, 'invalid', 'from and to must be ISO 8601 times', { field: 'from' });
      const found = b.canvass
        ? deps.access.canvass(c.user, purpose, {
            lat: b.canvass.lat,
            lon: b.canvass.lon,
            radiusM: b.canvass.radius_m,
            from,
            to,
            cameras: b.cameras,
            limit: b.limit,
          })
        : deps.access.searchReads(c.user, purpose, {
            plate: b.plate || undefined,
            from,
            to,
            cameras: b.cameras,
            limit: b.limit,
          });
      const ids = found.reads.map((r) => r.id);
      // The search's own entry counts the results; this one names them (policy 424.5(b)).
      page.recordViews(c.user, purpose, { hits: [], reads: ids, crops: [] }, 'page_search_results');
      const hitIds = page.hitIdsOfReads(ids);
      const crops = page.readsWithCrop(ids);
      return {
        reads: found.reads.map((r) => {
          const d = (r as { distanceM?: number }).distanceM;
          return toWebRead(
            {
              read: r,
              hitIds: hitIds.get(r.id) ?? [],
              hasCrop: crops.has(r.id),
              ...(typeof d === 'number' ? { distanceM: d } : {}),
            },
            site,
          );
        }),
        truncated: found.truncated,
      };
    },
    health: (c) => deps.health((c.query as { unit?: string } | undefined)?.unit),
    units: async () => {
      if (deps.units) return { units: deps.units() };
      const h = await deps.health();
      return {
        units: [
          {
            id: site.unit.id,
            name: site.unit.name,
            state: 'online' as const,
            since: null,
            last_seen: h.ts,
            lists_stale: h.lists.some((l) => l.stale),
            lists: h.lists,
            storage: h.storage?.state ?? null,
            gps_fix: h.position.gps?.fix ?? null,
            position: null,
          },
        ],
      };
    },
    cameras: () => ({ cameras: deps.cameras.map((c) => ({ ...c, unit: site.unit })) }),
  };
}
