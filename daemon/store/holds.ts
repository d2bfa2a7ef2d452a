import type { Db } from './database.js';

/** What a hold keeps: named reads, or every read in a plate/time/camera range. */
export type HoldScope =
  | { kind: 'reads'; readIds: string[] }
  | { kind: 'range'; platePattern?: string | undefined; from: number; to: number; cameraId?: string | undefined };

/**
 * Whether a hold needed a second person: 'pending' protects nothing until approved;
 * 'predates_rule' is a wide hold made before approvals existed.
 */
export const HOLD_APPROVALS = ['not_needed', 'pending', 'approved', 'predates_rule'] as const;
export type HoldApproval = (typeof HOLD_APPROVALS)[number];

export interface Hold {
  id: number;
  caseNumber: string;
  reason: string;
  createdBy: string;
  createdAt: number;
  scope: HoldScope;
  releasedAt: number | null;
  releasedBy: string | null;
  releaseReason: string | null;
  approval: HoldApproval;
  approvedBy: string | null;
  approvedAt: number | null;
  /** After this time the hold lapses (the purge ignores it) unless renewed. */
  reviewAt: number;
  renewals: number;
  renewedBy: string | null;
  renewedAt: number | null;
  renewReason: string | null;
}

/** True when the hold keeps data from the purge at `now`: not released, approved if it had to be, not past review. */
export function holdProtects(h: Hold, now: number): boolean {
  return h.releasedAt === null && h.approval !== 'pending' && h.reviewAt > now;
}

/** The SQL form of holdProtects, on table alias `h`. */
const PROTECTS_SQL = "h.released_at IS NULL AND h.approval != 'pending' AND h.review_at > ?";

/** A range hold in the form the pure retention policy reads. */
export interface HoldRange {
  holdId: number;
  platePattern: string | null;
  from: number;
  to: number;
  cameraId: string | null;
}

interface HoldRow {
  id: number;
  case_number: string;
  reason: string;
  created_by: string;
  created_at: number;
  scope_kind: 'reads' | 'range';
  plate_pattern: string | null;
  from_ms: number | null;
  to_ms: number | null;
  camera_id: string | null;
  released_at: number | null;
  released_by: string | null;
  release_reason: string | null;
  approval: HoldApproval;
  approved_by: string | null;
  approved_at: number | null;
  review_at: number;
  renewals: number;
  renewed_by: string | null;
  renewed_at: number | null;
  renew_reason: string | null;
}

/**
 * Evidence holds (policy 424.4). Unaudited storage: people reach it through AuditedAccess (which
 * applies access/hold-rules.ts); the retention job reads `heldAmong` and `activeRanges`, which
 * count only holds that protect at that time (holdProtects).
 */
export class HoldStore {
  /** @param db an open database (migrations applied). */
  constructor(private readonly db: Db) {}

  create(
    h: {
      caseNumber: string;
      reason: string;
      createdBy: string;
      scope: HoldScope;
      reviewAt: number;
      approval?: 'not_needed' | 'pending';
    },
    now: number,
  ): Hold {
    if (!h.reason.trim()) throw new Error('a hold needs a reason (--reason TEXT)');
    const s = h.scope;
    if (s.kind === 'reads') {
      if (s.readIds.length === 0) throw new Error('a hold on reads needs at least one read id (--read ID)');
      const missing = s.readIds.filter((id) => !this.db.prepare('SELECT 1 FROM reads WHERE id = ?').get(id));
      if (missing.length)
        throw new Error(`no read ${missing.map((m) => `"${m}"`).join(', ')} (already purged, or a typo)`);
    } else {
      if (!Number.isFinite(s.from) || !Number.isFinite(s.to) || s.to < s.from)
        throw new Error('a range hold needs a time window: --from and --to, --to after --from');
      if (s.platePattern !== undefined && !/^[A-Z0-9*?]{1,12}$/.test(s.platePattern))
        throw new Error(`"${s.platePattern}" is not a plate pattern`);
    }
    const id = Number(
      this.db
        .prepare(`INSERT INTO holds (case_number, reason, created_by, created_at, scope_kind, plate_pattern, from_ms, to_ms, camera_id, review_at, approval)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(
          h.caseNumber,
          h.reason,
          h.createdBy,
          now,
          s.kind,
          s.kind === 'range' ? (s.platePattern ?? null) : null,
          s.kind === 'range' ? s.from : null,
          s.kind === 'range' ? s.to : null,
          s.kind === 'range' ? (s.cameraId ?? null) : null,
          h.reviewAt,
          h.approval ?? 'not_needed',
        ).lastInsertRowid,
    );
    if (s.kind === 'reads') {
      const add = this.db.prepare('INSERT OR IGNORE INTO hold_reads (hold_id, read_id) VALUES (?, ?)');
      for (const r of s.readIds) add.run(id, r);
    }
    return this.get(id)!;
  }

  release(id: number, by: string, reason: string, now: number): Hold {
    const h = this.get(id);
    if (!h) throw new Error(`no hold ${id}`);
    if (h.releasedAt !== null) throw new Error(`hold ${id} was already released by ${h.releasedBy}`);
    if (!reason.trim()) throw new Error('say why the hold ends (--reason TEXT)');
    this.db
      .prepare('UPDATE holds SET released_at = ?, released_by = ?, release_reason = ? WHERE id = ?')
      .run(now, by, reason, id);
    return this.get(id)!;
  }

  /** A second person's approval of a pending (wide) hold: from now it protects its range. */
  approve(id: number, by: string, now: number): Hold {
    const h = this.mustGet(id);
    if (h.releasedAt !== null) throw new Error(`hold ${id} was released by ${h.releasedBy}`);
    if (h.approval !== 'pending') throw new Error(`hold ${id} needs no approval (${h.approval.replace('_', ' ')})`);
    this.db
      .prepare("UPDATE holds SET approval = 'approved', approved_by = ?, approved_at = ? WHERE id = ?")
      .run(by, now, id);
    return this.get(id)!;
  }

  /** Moves the review date on, with the reason the hold is still needed. */
  renew(id: number, by: string, reason: string, now: number, reviewAt: number): Hold {
    const h = this.mustGet(id);
    if (h.releasedAt !== null) throw new Error(`hold ${id} was released by ${h.releasedBy}`);
    if (!reason.trim()) throw new Error('say why the hold is still needed (--reason TEXT)');
    this.db
      .prepare(
        'UPDATE holds SET review_at = ?, renewals = renewals + 1, renewed_by = ?, renewed_at = ?, renew_reason = ? WHERE id = ?',
      )
      .run(reviewAt, by, now, reason, id);
    return this.get(id)!;
  }

  private mustGet(id: number): Hold {
    const h = this.get(id);
    if (!h) throw new Error(`no hold ${id}`);
    return h;
  }

  get(id: number): Hold | undefined {
    const row = this.db.prepare('SELECT * FROM holds WHERE id = ?').get(id) as HoldRow | undefined;
    return row && this.toHold(row);
  }

  list(opts: { includeReleased?: boolean; caseNumber?: string } = {}): Hold[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (!opts.includeReleased) where.push('released_at IS NULL');
    if (opts.caseNumber) {
      where.push('case_number = ?');
      params.push(opts.caseNumber);
    }
    const rows = this.db
      .prepare(`SELECT * FROM holds ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`)
      .all(...params) as HoldRow[];
    return rows.map((r) => this.toHold(r));
  }

  /** Unreleased holds that are wide, long-lived or past their review date at `now`, for the audit report. */
  concerns(now: number, longMs: number): { broad: Hold[]; long: Hold[]; overdue: Hold[] } {
    const open = this.list();
    return {
      broad: open.filter((h) => h.approval !== 'not_needed'),
      long: open.filter((h) => now - h.createdAt > longMs),
      overdue: open.filter((h) => h.reviewAt <= now),
    };
  }

  /** Holds created or released in [from, to), for the audit report. */
  changedBetween(from: number, to: number): Hold[] {
    const rows = this.db
      .prepare(
        'SELECT * FROM holds WHERE (created_at >= ? AND created_at < ?) OR (released_at >= ? AND released_at < ?) ORDER BY id',
      )
      .all(from, to, from, to) as HoldRow[];
    return rows.map((r) => this.toHold(r));
  }

  /** Which of these read ids a hold that protects at `now` names explicitly. */
  heldAmong(readIds: string[], now: number): Set<string> {
    const held = new Set<string>();
    const stmt = this.db.prepare(
      `SELECT 1 FROM hold_reads hr JOIN holds h ON h.id = hr.hold_id WHERE hr.read_id = ? AND ${PROTECTS_SQL} LIMIT 1`,
    );
    for (const id of readIds) if (stmt.get(id, now)) held.add(id);
    return held;
  }

  /** Range holds that protect at `now` (approved if wide, not past review). */
  activeRanges(now: number): HoldRange[] {
    const rows = this.db
      .prepare(
        `SELECT id, plate_pattern, from_ms, to_ms, camera_id FROM holds h WHERE scope_kind = 'range' AND ${PROTECTS_SQL}`,
      )
      .all(now) as {
      id: number;
      plate_pattern: string | null;
      from_ms: number;
      to_ms: number;
      camera_id: string | null;
    }[];
    return rows.map((r) => ({
      holdId: r.id,
      platePattern: r.plate_pattern,
      from: r.from_ms,
      to: r.to_ms,
      cameraId: r.camera_id,
    }));
  }

  /**
   * Ids of every read an unreleased hold of this case covers (named reads and range matches),
   * oldest first; with `now`, only holds that protect then (holdProtects).
   */
  readIdsForCase(caseNumber: string, now?: number): string[] {
    const ids = new Set<string>();
    for (const h of this.list({ caseNumber }).filter((x) => now === undefined || holdProtects(x, now))) {
      if (h.scope.kind === 'reads') {
        for (const r of this.db
          .prepare(
            'SELECT r.id FROM hold_reads hr JOIN reads r ON r.id = hr.read_id WHERE hr.hold_id = ? ORDER BY r.last_seen',
          )
          .all(h.id) as { id: string }[])
          ids.add(r.id);
      } else {
        const s = h.scope;
        const rows = this.db
          .prepare(
            `SELECT id FROM reads WHERE last_seen BETWEEN ? AND ?${s.platePattern ? ' AND plate GLOB ?' : ''}${s.cameraId ? ' AND camera_id = ?' : ''} ORDER BY last_seen`,
          )
          .all(...[s.from, s.to, ...(s.platePattern ? [s.platePattern] : []), ...(s.cameraId ? [s.cameraId] : [])]) as {
          id: string;
        }[];
        for (const r of rows) ids.add(r.id);
      }
    }
    return [...ids];
  }

  private toHold(r: HoldRow): Hold {
    const scope: HoldScope =
      r.scope_kind === 'reads'
        ? {
            kind: 'reads',
            readIds: (
              this.db.prepare('SELECT read_id FROM hold_reads WHERE hold_id = ? ORDER BY read_id').all(r.id) as {
                read_id: string;
              }[]
            ).map((x) => x.read_id),
          }
        : {
            kind: 'range',
            platePattern: r.plate_pattern ?? undefined,
            from: r.from_ms!,
            to: r.to_ms!,
            cameraId: r.camera_id ?? undefined,
          };
    return {
      id: r.id,
      caseNumber: r.case_number,
      reason: r.reason,
      createdBy: r.created_by,
      createdAt: r.created_at,
      scope,
      releasedAt: r.released_at,
      releasedBy: r.released_by,
      releaseReason: r.release_reason,
      approval: r.approval,
      approvedBy: r.approved_by,
      approvedAt: r.approved_at,
      reviewAt: r.review_at,
      renewals: r.renewals,
      renewedBy: r.renewed_by,
      renewedAt: r.renewed_at,
      renewReason: r.renew_reason,
    };
  }
}
