import type { Box } from './image.js';
import type { Detection } from './ports.js';

/**
 * Merges text boxes that sit side by side on one line: many plates are printed in groups
 * ("ABC 1234", "7 ABC 123") that the text detector returns as separate words, and a reader
 * given one group reads half a plate. Boxes join when they overlap vertically, have similar
 * heights and the gap is small against their height.
 */
export function mergeLineBoxes(dets: Detection[], maxGapRatio = 0.9): Detection[] {
  const sorted = dets.map((d) => ({ box: { ...d.box }, score: d.score })).sort((a, b) => a.box.x - b.box.x);
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < sorted.length && !merged; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const a = sorted[i]!.box;
        const b = sorted[j]!.box;
        if (!sameLine(a, b, maxGapRatio)) continue;
        const x = Math.min(a.x, b.x),
          y = Math.min(a.y, b.y);
        const box = { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
        const wa = a.w * a.h,
          wb = b.w * b.h;
        sorted[i] = { box, score: (sorted[i]!.score * wa + sorted[j]!.score * wb) / (wa + wb) };
        sorted.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  return sorted;
}

/** Two boxes of similar height on one line with at most `maxGapRatio` heights between them. */
export function sameLine(a: Box, b: Box, maxGapRatio: number, minHeightRatio = 0.6): boolean {
  const hMin = Math.min(a.h, b.h),
    hMax = Math.max(a.h, b.h);
  if (hMin < minHeightRatio * hMax) return false;
  const vOverlap = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (vOverlap < 0.6 * hMin) return false;
  const gap = Math.max(a.x, b.x) - Math.min(a.x + a.w, b.x + b.w);
  return gap <= maxGapRatio * hMax;
}

/** Plate text line shape: wider than tall, not a paragraph line, not a speck. */
export function plateShaped(b: Box, minHeight = 8): boolean {
  const aspect = b.w / b.h;
  return b.h >= minHeight && aspect >= 1.1 && aspect <= 9;
}

/** Boxes in `inner` coordinates moved into the frame (after detecting on a region of interest). */
export function offsetBox(b: Box, dx: number, dy: number): Box {
  return { x: b.x + dx, y: b.y + dy, w: b.w, h: b.h };
}
