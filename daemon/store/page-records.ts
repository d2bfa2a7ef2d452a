import type { Db } from './database.js';

/** The deputy's review of a hit, as recorded (the newest one counts; earlier ones stay on record). */
export interface HitDisposition {
  hitId: string;
  value: 'correct_read' | 'misread' | 'wrong_state' | 'dismissed';
  actionTaken: string;
  note: string;
  recordedBy: string;
  recordedAt: number;
}

/** A user's authorization to see the bureau's data (policy 424.3(g)). */
export interface CbiAuthorization {
  grantedBy: string;
  grantedAt: number;
  /** Epoch ms; null when it does not expire. */
  expiresAt: number | null;
}

interface DispositionRow {
  hit_id: string;
  value: HitDisposition['value'];
  action_taken: string;
  note: string;
  recorded_by: string;
  recorded_at: number;
}

/** Dispositions of hits and CBI-data authorizations (migration 028). Writes run inside AuditedAccess's transaction. */
export class PageRecords {
  /** @param db an open database (see openDatabase). */
  constructor(private readonly db: Db) {}

  recordDisposition(d: HitDisposition): void {
    this.db
      .prepare(
        'INSERT INTO hit_dispositions (hit_id, value, action_taken, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(d.hitId, d.value, d.actionTaken, d.note, d.recordedBy, d.recordedAt);
  }

  /** The newest disposition of each hit in `hitIds`. */
  dispositions(hitIds: readonly string[]): Map<string, HitDisposition> {
    const out = new Map<string, HitDisposition>();
    const stmt = this.db.prepare(
      'SELECT * FROM hit_dispositions WHERE hit_id = ? ORDER BY recorded_at DESC, id DESC LIMIT 1',
    );
    for (const id of hitIds) {
      const r = stmt.get(id) as DispositionRow | undefined;
      if (r)
        out.set(id, {
          hitId: r.hit_id,
          value: r.value,
          actionTaken: r.action_taken,
          note: r.note,
          recordedBy: r.recorded_by,
          recordedAt: r.recorded_at,
        });
    }
    return out;
  }

  /** The user's authorization in force at `now`, or undefined. */
  cbiAuthorization(userId: number, now: number): CbiAuthorization | undefined {
    const r = this.db
      .prepare(
        `SELECT granted_by, granted_at, expires_at FROM cbi_authorizations
         WHERE user_id = ? AND revoked_at IS NULL AND granted_at <= ? AND (expires_at IS NULL OR expires_at > ?)
         ORDER BY granted_at DESC, id DESC LIMIT 1`,
      )
      .get(userId, now, now) as { granted_by: string; granted_at: number; expires_at: number | null } | undefined;
    return r && { grantedBy: r.granted_by, grantedAt: r.granted_at, expiresAt: r.expires_at };
  }

  grantCbi(userId: number, by: string, at: number, expiresAt: number | null): void {
    this.db
      .prepare('INSERT INTO cbi_authorizations (user_id, granted_by, granted_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(userId, by, at, expiresAt);
  }

  /** Revokes every grant in force; returns how many. */
  revokeCbi(userId: number, by: string, at: number): number {
    return this.db
      .prepare('UPDATE cbi_authorizations SET revoked_by = ?, revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
      .run(by, at, userId).changes;
  }

  /** Hits recorded after the hit row `afterRow` (the cursor), oldest first. */
  hitIdsAfter(afterRow: number, limit: number): { id: string; row: number }[] {
    return this.db
      .prepare('SELECT id, rowid AS row FROM hits WHERE rowid > ? ORDER BY rowid LIMIT ?')
      .all(afterRow, limit) as { id: string; row: number }[];
  }

  /** The newest `limit` hits, oldest first. */
  newestHitIds(limit: number): { id: string; row: number }[] {
    const rows = this.db.prepare('SELECT id, rowid AS row FROM hits ORDER BY rowid DESC LIMIT ?').all(limit) as {
      id: string;
      row: number;
    }[];
    return rows.reverse();
  }

  /** The row of hit `hitId` (its place in the page's order), or undefined when there is no such hit. */
  hitRow(hitId: string): number | undefined {
    return (this.db.prepare('SELECT rowid AS row FROM hits WHERE id = ?').get(hitId) as { row: number } | undefined)
      ?.row;
  }

  /** The newest hit's row, 0 with none. */
  lastHitRow(): number {
    return (this.db.prepare('SELECT max(rowid) AS r FROM hits').get() as { r: number | null }).r ?? 0;
  }

  /** Newest reads, optionally of one camera. */
  newestReadIds(limit: number, cameraId?: string): string[] {
    const rows = cameraId
      ? this.db.prepare('SELECT id FROM reads WHERE camera_id = ? ORDER BY last_seen DESC LIMIT ?').all(cameraId, limit)
      : this.db.prepare('SELECT id FROM reads ORDER BY last_seen DESC LIMIT ?').all(limit);
    return (rows as { id: string }[]).map((r) => r.id);
  }

  /** Ids of the hits raised on each read. */
  hitIdsOfReads(readIds: readonly string[]): Map<string, string[]> {
    const stmt = this.db.prepare('SELECT id FROM hits WHERE read_id = ? ORDER BY created_at');
    return new Map(readIds.map((r) => [r, (stmt.all(r) as { id: string }[]).map((x) => x.id)]));
  }

  /** Read ids that have a stored crop. */
  readsWithCrop(readIds: readonly string[]): Set<string> {
    const stmt = this.db.prepare('SELECT 1 FROM read_crops WHERE read_id = ?');
    return new Set(readIds.filter((id) => stmt.get(id) !== undefined));
  }
}
