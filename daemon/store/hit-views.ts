import type { Db } from './database.js';
import { type HitRow, type HitStatus, type StoredHit, toHit } from './hits.js';

/** A hit as shown to people: always with its verification state (424.3(f)): "unverified" until someone records the bureau's answer. */
export type HitView = Pick<
  StoredHit,
  | 'id'
  | 'readId'
  | 'createdAt'
  | 'cameraId'
  | 'plate'
  | 'state'
  | 'category'
  | 'reason'
  | 'matchKind'
  | 'status'
  | 'verifiedBy'
  | 'verifiedAt'
> & { verificationRef: string | null; verificationNote: string | null };

export interface HitQuery {
  from: number;
  to: number;
  status?: HitStatus | undefined;
  limit?: number | undefined;
}

/** The bureau's answer on a hit, as stored. */
export interface HitVerdict {
  outcome: 'confirmed' | 'rejected';
  by: string;
  at: number;
  reference: string;
  note: string;
}

/**
 * Table `hits` as the audited access path reads it: with the verification columns, and the
 * verdict write. Unaudited: access/ calls these inside the transaction that writes the audit entry.
 */
export class HitViewStore {
  private readonly betweenStmt;
  private readonly betweenWithStatusStmt;
  private readonly byIdStmt;
  private readonly byReadStmt;
  private readonly verdictStmt;
  private readonly statusCountsStmt;

  /** @param db an open database (see openDatabase). */
  constructor(db: Db) {
    this.betweenStmt = db.prepare(
      'SELECT * FROM hits WHERE created_at BETWEEN ? AND ? ORDER BY created_at DESC LIMIT ?',
    );
    this.betweenWithStatusStmt = db.prepare(
      'SELECT * FROM hits WHERE created_at BETWEEN ? AND ? AND status = ? ORDER BY created_at DESC LIMIT ?',
    );
    this.byIdStmt = db.prepare('SELECT * FROM hits WHERE id = ?');
    this.byReadStmt = db.prepare('SELECT * FROM hits WHERE read_id = ? ORDER BY created_at');
    this.verdictStmt = db.prepare(`UPDATE hits SET status = ?, verified_by = ?, verified_at = ?, verification_ref = ?,
        verification_note = ?
      WHERE id = ? AND status = 'unverified'`);
    this.statusCountsStmt = db.prepare(
      'SELECT status, count(*) AS n FROM hits WHERE created_at >= ? AND created_at < ? GROUP BY status',
    );
  }

  /** Hits made in [from, to] (with `status`, if given), newest first, at most `limit` (default 1000). */
  list(q: HitQuery): HitView[] {
    const rows = q.status
      ? this.betweenWithStatusStmt.all(q.from, q.to, q.status, q.limit ?? 1000)
      : this.betweenStmt.all(q.from, q.to, q.limit ?? 1000);
    return (rows as HitRow[]).map(toHitView);
  }

  get(id: string): HitView | undefined {
    const row = this.byIdStmt.get(id) as HitRow | undefined;
    return row && toHitView(row);
  }

  /** The hits of each read in turn, each read's oldest first. */
  ofReads(readIds: readonly string[]): HitView[] {
    return readIds.flatMap((id) => (this.byReadStmt.all(id) as HitRow[]).map(toHitView));
  }

  /** Stores the verdict on hit `id` if it is still unverified; false when it was not. */
  setVerdict(id: string, v: HitVerdict): boolean {
    return this.verdictStmt.run(v.outcome, v.by, v.at, v.reference, v.note, id).changes > 0;
  }

  /** How many hits made in [from, to) have each status; a status without hits is absent. */
  statusCounts(from: number, to: number): { status: HitStatus; n: number }[] {
    return this.statusCountsStmt.all(from, to) as { status: HitStatus; n: number }[];
  }
}

function toHitView(r: HitRow): HitView {
  const { id, readId, createdAt, cameraId, plate, state, category, reason, matchKind, status, verifiedBy, verifiedAt } =
    toHit(r);
  const verification = { verificationRef: r.verification_ref, verificationNote: r.verification_note };
  return {
    id,
    readId,
    createdAt,
    cameraId,
    plate,
    state,
    category,
    reason,
    matchKind,
    status,
    verifiedBy,
    verifiedAt,
    ...verification,
  };
}
