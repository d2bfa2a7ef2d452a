import { iou } from './image.js';
import type { PlateText } from './ports.js';
import { sameLine } from './plate-geometry.js';

/**
 * Chooses plate lines among the plate-like reads of one frame. A plate's characters are the
 * tallest text in their stack: the state name above, the slogan below and the dealer frame are
 * printed smaller, so of two reads stacked on each other (horizontal overlap, vertically close)
 * the clearly shorter one goes. Duplicates (the same place read twice) keep the surer read.
 * The result is ordered best first (confidence, a digit helps: US plate words rarely have none).
 */
export function selectPlates<T extends PlateText & { detectionScore: number }>(input: T[]): T[] {
  const reads = joinLineReads(input);
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
  return Math.max(r.confidence, 1e-6) ** (1 / Math.max(1, r.text.length)) * digits * lengthFit * r.detectionScore;
}

/** `big` is the plate line and `small` printing around it. */
function dominates(big: PlateText, small: PlateText): boolean {
  const a = big.box,
    b = small.box;
  if (b.h >= 0.8 * a.h) return false;
  const hOverlap = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  if (hOverlap < 0.3 * Math.min(a.w, b.w)) return false;
  const dy = Math.abs(a.y + a.h / 2 - (b.y + b.h / 2));
  return dy < 1.5 * a.h;
}

/**
 * Joins two reads that are the two groups of one plate ("ABC" "1234"). The detector merges
 * such groups when their gap is small at its map resolution; a plate close to the camera is
 * large enough for the gap to split it, so the reads are joined here, by text: only when both
 * halves read as plate-like and the whole stays within plate length.
 */
export function joinLineReads<T extends PlateText & { detectionScore: number }>(reads: T[]): T[] {
  const out = [...reads].sort((a, b) => a.box.x - b.box.x);
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length; j++) {
      const a = out[i]!,
        b = out[j]!;
      if (a.text.length + b.text.length > 8 || !sameLine(a.box, b.box, 1.6, 0.8) || b.box.x < a.box.x + a.box.w * 0.8)
        continue;
      const x = a.box.x,
        y = Math.min(a.box.y, b.box.y);
      const joined: T = {
        ...a,
        text: a.text + b.text,
        confidence: a.confidence * b.confidence,
        chars: [...a.chars, ...b.chars],
        alternatives: [
          ...a.alternatives.map((alt) => ({ text: alt.text + b.text, confidence: alt.confidence * b.confidence })),
          ...b.alternatives.map((alt) => ({ text: a.text + alt.text, confidence: a.confidence * alt.confidence })),
        ]
          .sort((p, q) => q.confidence - p.confidence)
          .slice(0, Math.max(a.alternatives.length, b.alternatives.length)),
        box: {
          x,
          y,
          w: Math.max(a.box.x + a.box.w, b.box.x + b.box.w) - x,
          h: Math.max(a.box.y + a.box.h, b.box.y + b.box.h) - y,
        },
        detectionScore: (a.detectionScore + b.detectionScore) / 2,
      };
      out[i] = joined;
      out.splice(j, 1);
      j = i;
    }
  }
  return out;
}
