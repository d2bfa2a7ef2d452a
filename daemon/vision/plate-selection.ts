import { iou } from './image.js';
import type { PlateText } from './ports.js';

/**
 * Chooses plate lines among the plate-like reads of one frame. A plate's characters are the
 * tallest text in their stack: the state name above, the slogan below and the dealer frame are
 * printed smaller, so of two reads stacked on each other (horizontal overlap, vertically close)
 * the clearly shorter one goes. Duplicates (the same place read twice) keep the surer read.
 * The result is ordered best first (confidence, a digit helps: US plate words rarely have none).
 */
export function selectPlates<T extends PlateText & { detectionScore: number }>(reads: T[]): T[] {
  const kept = reads.filter((r) => !reads.some((o) => o !== r && dominates(o, r)));
  const order = (r: T) => rank(r);
  kept.sort((a, b) => order(b) - order(a));
  const out: T[] = [];
  for (const r of kept) if (!out.some((o) => iou(o.box, r.box) > 0.3)) out.push(r);
  return out;
}

export function rank(r: PlateText & { detectionScore: number }): number {
  const digits = /\d/.test(r.text) ? 1 : 0.5;
  const lengthFit = r.text.length >= 5 && r.text.length <= 8 ? 1 : 0.6;
  return Math.pow(Math.max(r.confidence, 1e-6), 1 / Math.max(1, r.text.length)) * digits * lengthFit * r.detectionScore;
}

/** `big` is the plate line and `small` printing around it. */
function dominates(big: PlateText, small: PlateText): boolean {
  const a = big.box, b = small.box;
  if (b.h >= 0.8 * a.h) return false;
  const hOverlap = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  if (hOverlap < 0.3 * Math.min(a.w, b.w)) return false;
  const dy = Math.abs(a.y + a.h / 2 - (b.y + b.h / 2));
  return dy < 1.5 * a.h;
}
