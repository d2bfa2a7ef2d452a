import type { Db } from '../store/database.js';
import type { HitStatus } from '../store/hits.js';

/** A hit as shown to people: always with its verification state (424.3(f)): "unverified" until someone records the bureau's answer. */
export interface HitView {
  id: string;
  readId: string;
  createdAt: number;
  cameraId: string;
  plate: string;
  state: string | null;
  category: string;
  reason: string;
  matchKind: string;
  status: HitStatus;
  verifiedBy: string | null;
  verifiedAt: number | null;
  verificationRef: string | null;
  verificationNote: string | null;
}

interface HitRow {
  id: string;
  read_id: string;
  created_at: number;
  camera_id: string;
  plate: string;
  state: string | null;
  category: string;
  reason: string;
  match_kind: string;
  status: HitView['status'];
  verified_by: string | null;
  verified_at: number | null;
  verification_ref: string | null;
  verification_note: string | null;
}

export interface HitQuery {
  from: number;
  to: number;
  status?: HitView['status'] | undefined;
  limit?: number | undefined;
}

export function listHits(db: Db, q: HitQuery): HitView[] {
  const rows = q.status
    ? db
        .prepare('SELECT * FROM hits WHERE created_at BETWEEN ? AND ? AND status = ? ORDER BY created_at DESC LIMIT ?')
        .all(q.from, q.to, q.status, q.limit ?? 1000)
    : db
        .prepare('SELECT * FROM hits WHERE created_at BETWEEN ? AND ? ORDER BY created_at DESC LIMIT ?')
        .all(q.from, q.to, q.limit ?? 1000);
  return (rows as HitRow[]).map(toHitView);
}

export function getHit(db: Db, id: string): HitView | undefined {
  const row = db.prepare('SELECT * FROM hits WHERE id = ?').get(id) as HitRow | undefined;
  return row && toHitView(row);
}

export function hitsOfReads(db: Db, readIds: string[]): HitView[] {
  const out: HitView[] = [];
  const stmt = db.prepare('SELECT * FROM hits WHERE read_id = ? ORDER BY created_at');
  for (const id of readIds) out.push(...(stmt.all(id) as HitRow[]).map(toHitView));
  return out;
}

export interface Verification {
  hitId: string;
  outcome: 'confirmed' | 'rejected';
  /** The Colorado Bureau of Investigation response reference (424.3(f)). */
  reference: string;
  note: string;
}

/** Records the bureau's answer on a hit; refuses an unknown hit, a missing reference, or a second verdict. */
export function recordVerification(db: Db, v: Verification, by: string, at: number): HitView {
  if (v.outcome !== 'confirmed' && v.outcome !== 'rejected')
    throw new Error(`the outcome must be confirmed or rejected, not "${String(v.outcome)}"`);
  if (!v.reference.trim()) throw new Error('give the bureau (CBI) response reference: --ref REF (policy 424.3(f))');
  const hit = getHit(db, v.hitId);
  if (!hit) throw new Error(`no hit "${v.hitId}" (it may have been purged)`);
  if (hit.status !== 'unverified') {
    throw new Error(
      `hit ${v.hitId} was already ${hit.status} by ${hit.verifiedBy} at ${new Date(hit.verifiedAt!).toISOString()}`,
    );
  }
  db.prepare(`UPDATE hits SET status = ?, verified_by = ?, verified_at = ?, verification_ref = ?, verification_note = ?
    WHERE id = ? AND status = 'unverified'`).run(v.outcome, by, at, v.reference.trim(), v.note, v.hitId);
  return getHit(db, v.hitId)!;
}

function toHitView(r: HitRow): HitView {
  return {
    id: r.id,
    readId: r.read_id,
    createdAt: r.created_at,
    cameraId: r.camera_id,
    plate: r.plate,
    state: r.state,
    category: r.category,
    reason: r.reason,
    matchKind: r.match_kind,
    status: r.status,
    verifiedBy: r.verified_by,
    verifiedAt: r.verified_at,
    verificationRef: r.verification_ref,
    verificationNote: r.verification_note,
  };
}
