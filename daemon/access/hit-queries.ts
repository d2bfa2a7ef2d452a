import type { HitView, HitViewStore } from '../store/hit-views.js';

export type { HitQuery, HitView } from '../store/hit-views.js';

export interface Verification {
  hitId: string;
  outcome: 'confirmed' | 'rejected';
  /** The Colorado Bureau of Investigation response reference (424.3(f)). */
  reference: string;
  note: string;
}

/** Records the bureau's answer on a hit; refuses an unknown hit, a missing reference, or a second verdict. */
export function recordVerification(hits: HitViewStore, v: Verification, by: string, at: number): HitView {
  if (v.outcome !== 'confirmed' && v.outcome !== 'rejected')
    throw new Error(`the outcome must be confirmed or rejected, not "${String(v.outcome)}"`);
  if (!v.reference.trim()) throw new Error('give the bureau (CBI) response reference: --ref REF (policy 424.3(f))');
  const hit = hits.get(v.hitId);
  if (!hit) throw new Error(`no hit "${v.hitId}" (it may have been purged)`);
  if (hit.status !== 'unverified') {
    throw new Error(
      `hit ${v.hitId} was already ${hit.status} by ${hit.verifiedBy} at ${new Date(hit.verifiedAt!).toISOString()}`,
    );
  }
  hits.setVerdict(v.hitId, { outcome: v.outcome, by, at, reference: v.reference.trim(), note: v.note });
  return hits.get(v.hitId)!;
}
