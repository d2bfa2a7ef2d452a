import type { Clock } from '../shared/clock.js';
import type { Db } from '../store/database.js';
import { HitStore, type StoredHit } from '../store/hits.js';
import { HitViewStore } from '../store/hit-views.js';
import { PageRecords, type CbiAuthorization, type HitDisposition } from '../store/page-records.js';
import { ReadStore, type StoredRead } from '../store/reads.js';
import type { AuditedAccess } from './audited-access.js';
import { refusalReason, type AuthenticatedUser } from './authorize.js';
import type { HitView } from './hit-queries.js';
import type { Purpose } from './purpose.js';
import { UserStore } from './users.js';

/** A hit with everything the page shows about it. */
export interface PageHit {
  hit: StoredHit;
  view: HitView;
  read: StoredRead | undefined;
  /** The hit's row: the order hits were recorded in, the page's cursor. */
  row: number;
  disposition: HitDisposition | undefined;
  hasCrop: boolean;
}

/** What a batch of views on the page showed one user under one purpose (policy 424.5(b)). */
export interface ViewBatch {
  hits: string[];
  reads: string[];
  crops: string[];
}

/**
 * The in-car page's reads of data, through AuditedAccess.perform like every other door: one audit
 * entry per response (hit lists, recent reads, dispositions), or per batch for what is pushed
 * live and the crops the page loads beside it (recordViews, called by the server every few
 * seconds, never per repaint). Also the CBI-data authorization (policy 424.3(g)).
 */
export class PageAccess {
  private readonly records: PageRecords;
  private readonly hitStore: HitStore;
  private readonly hitViews: HitViewStore;
  private readonly reads: ReadStore;
  private readonly users: UserStore;

  /** @param db the daemon's database; @param access the audited path; @param clock the daemon's clock. */
  constructor(
    db: Db,
    private readonly access: AuditedAccess,
    private readonly clock: Clock,
  ) {
    this.records = new PageRecords(db);
    this.hitStore = new HitStore(db);
    this.hitViews = new HitViewStore(db);
    this.reads = new ReadStore(db);
    this.users = new UserStore(db);
  }

  /** The user's CBI-data authorization in force now, or undefined: no bureau details for them. */
  cbiAuthorization(userId: number): CbiAuthorization | undefined {
    return this.records.cbiAuthorization(userId, this.clock.now());
  }

  /** Why `user` may not see hits now (role, training), or undefined: checked before a live push. */
  hitRefusal(user: AuthenticatedUser): string | undefined {
    return refusalReason(user, 'view_hits', this.clock.now());
  }

  /** The newest hit row, where a fresh live stream starts. */
  lastHitRow(): number {
    return this.records.lastHitRow();
  }

  /** Hits after the cursor row (or the newest), for one response; audited with their ids. */
  listHits(user: AuthenticatedUser, purpose: Purpose | undefined, q: { afterRow?: number; limit: number }): PageHit[] {
    const query = { kind: 'page_hits', after: q.afterRow ?? null, limit: q.limit };
    return this.access.perform(user, 'view_hits', purpose, query, () => {
      const hits = this.load(
        q.afterRow === undefined ? this.records.newestHitIds(q.limit) : this.records.hitIdsAfter(q.afterRow, q.limit),
      );
      return { value: hits, count: hits.length, detail: { via: 'page', hit_ids: hits.map((h) => h.hit.id) } };
    });
  }

  /** Hits recorded after `afterRow`, NOT audited: the live stream records what it sent in its batch (recordViews). */
  hitsForPush(afterRow: number, limit = 200): PageHit[] {
    return this.load(this.records.hitIdsAfter(afterRow, limit));
  }

  /** One hit as the page shows it, NOT audited (the caller records the view). */
  hitForPush(hitId: string): PageHit | undefined {
    const row = this.records.hitRow(hitId);
    return row === undefined ? undefined : this.load([{ id: hitId, row }])[0];
  }

  /** Records, as one audit entry, what the page was sent over a few seconds: hits pushed live, crops loaded. */
  recordViews(user: AuthenticatedUser, purpose: Purpose | undefined, b: ViewBatch, kind = 'page_views'): void {
    const count = b.hits.length + b.reads.length + b.crops.length;
    if (count === 0) return;
    this.access.perform(user, b.reads.length ? 'search' : 'view_hits', purpose, { kind }, () => ({
      value: undefined,
      count,
      detail: { via: 'page', hit_ids: b.hits, read_ids: b.reads, crop_read_ids: b.crops },
    }));
  }

  /** A read's crop for the page. Refused (and audited) for a user who may see neither reads nor hits. */
  crop(user: AuthenticatedUser, readId: string): Buffer | undefined {
    const now = this.clock.now();
    const reason = refusalReason(user, 'view_hits', now) && refusalReason(user, 'search', now);
    if (reason) this.access.refuse(user, 'view_hits', { kind: 'page_crop', read_id: readId }, reason);
    return this.reads.crop(readId);
  }

  /** Newest reads under the patrol purpose, one audit entry for the response. */
  recentReads(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    q: { limit: number; cameraId?: string | undefined },
  ): { read: StoredRead; hitIds: string[]; hasCrop: boolean }[] {
    const query = { kind: 'recent_reads', limit: q.limit, camera: q.cameraId ?? null };
    return this.access.perform(user, 'search', purpose, query, () => {
      const ids = this.records.newestReadIds(q.limit, q.cameraId);
      const hitIds = this.records.hitIdsOfReads(ids);
      const crops = this.records.readsWithCrop(ids);
      const out = ids.flatMap((id) => {
        const read = this.reads.get(id);
        return read ? [{ read, hitIds: hitIds.get(id) ?? [], hasCrop: crops.has(id) }] : [];
      });
      return { value: out, count: out.length, detail: { via: 'page', read_ids: ids } };
    });
  }

  /** Ids of the hits raised on each read (for reads a search already audited). */
  hitIdsOfReads(readIds: readonly string[]): Map<string, string[]> {
    return this.records.hitIdsOfReads(readIds);
  }

  /** Which of these reads have a stored crop. */
  readsWithCrop(readIds: readonly string[]): Set<string> {
    return this.records.readsWithCrop(readIds);
  }

  /** The deputy's disposition of a hit (correct read, misread, ...), audited with the action taken. */
  recordDisposition(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    d: { hitId: string; value: HitDisposition['value']; actionTaken: string; note: string },
  ): PageHit {
    const query = { kind: 'hit_disposition', hit_id: d.hitId, disposition: d.value, action_taken: d.actionTaken };
    return this.access.perform(
      user,
      'verify_hit',
      purpose,
      query,
      () => {
        const hit = this.hitStore.get(d.hitId);
        if (!hit) throw new Error(`no hit "${d.hitId}" (it may have been purged)`);
        this.records.recordDisposition({
          hitId: d.hitId,
          value: d.value,
          actionTaken: d.actionTaken,
          note: d.note,
          recordedBy: user.username,
          recordedAt: this.clock.now(),
        });
        return { value: this.hitForPush(d.hitId)!, count: 1, detail: { plate: hit.plate, note: d.note } };
      },
      'write',
    );
  }

  /** Grants a user the CBI-data authorization (policy 424.3(g)); an administrator's act, audited. */
  grantCbi(admin: AuthenticatedUser, username: string, expiresAt: number | null): CbiAuthorization {
    return this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'cbi_grant', username, expires_at: expiresAt },
      () => {
        const u = this.users.byName(username);
        if (!u) throw new Error(`no user "${username}"`);
        const now = this.clock.now();
        if (expiresAt !== null && expiresAt <= now) throw new Error('the expiry must be in the future');
        this.records.grantCbi(u.id, admin.username, now, expiresAt);
        return { value: { grantedBy: admin.username, grantedAt: now, expiresAt }, count: 1 };
      },
      'write',
    );
  }

  /** Ends a user's CBI-data authorization; audited. */
  revokeCbi(admin: AuthenticatedUser, username: string): number {
    return this.access.perform(
      admin,
      'users_manage',
      undefined,
      { kind: 'cbi_revoke', username },
      () => {
        const u = this.users.byName(username);
        if (!u) throw new Error(`no user "${username}"`);
        const n = this.records.revokeCbi(u.id, admin.username, this.clock.now());
        if (n === 0) throw new Error(`${username} holds no CBI-data authorization`);
        return { value: n, count: n };
      },
      'write',
    );
  }

  private load(rows: { id: string; row: number }[]): PageHit[] {
    const ids = rows.map((r) => r.id);
    const dispositions = this.records.dispositions(ids);
    const readIds = rows.flatMap((r) => {
      const h = this.hitStore.get(r.id);
      return h ? [h.readId] : [];
    });
    const crops = this.records.readsWithCrop(readIds);
    return rows.flatMap((r) => {
      const hit = this.hitStore.get(r.id);
      const view = this.hitViews.get(r.id);
      if (!hit || !view) return [];
      return [
        {
          hit,
          view,
          read: this.reads.get(hit.readId),
          row: r.row,
          disposition: dispositions.get(r.id),
          hasCrop: crops.has(hit.readId),
        },
      ];
    });
  }
}

/** What a user without the CBI-data authorization sees in place of the bureau's details (policy 424.3(g)). */
export const NOT_AUTHORIZED_TEXT = 'bureau details: not authorized';

/** Leaves the bureau's details (the entry's reason) out of hits for a user without the authorization. */
export function hitsForUser<T extends { reason: string }>(authorized: boolean, hits: T[]): T[] {
  return authorized ? hits : hits.map((h) => ({ ...h, reason: NOT_AUTHORIZED_TEXT }));
}

/** Leaves the bureau's details (reason, NIC, ORI, notes) out of list entries for a user without the authorization. */
export function entriesForUser<
  T extends { entry: { reason: string; nic: string | null; ori: string | null; notes: string } },
>(authorized: boolean, rows: T[]): T[] {
  return authorized
    ? rows
    : rows.map((r) => ({ ...r, entry: { ...r.entry, reason: NOT_AUTHORIZED_TEXT, nic: null, ori: null, notes: '' } }));
}
