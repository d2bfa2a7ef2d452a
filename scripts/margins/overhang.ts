/**
 * How much of a plate falls outside the reader's crops, and which reads lost an edge character.
 * Pure: boxes and strings in, numbers out.
 */
import type { Box } from '../../daemon/vision/image.js';
import type { Detection } from '../../daemon/vision/ports.js';
import { cropBox, PLATE_REC, type PlateRecOptions } from '../../daemon/vision/plate-rec-reader.js';

/** How far the truth box reaches past a crop on each side, as shares of the truth box's width (≤ 0: inside). */
export function overhang(truth: Box, crop: Box): { left: number; right: number } {
  return {
    left: (crop.x - truth.x) / truth.w,
    right: (truth.x + truth.w - (crop.x + crop.w)) / truth.w,
  };
}

/**
 * The crops PlateRecReader.read cuts for a detection, in its order (the first is the one its
 * first-crop gate reads alone): around the character line and the plate box when the detector
 * gives both, else around the box. Kept in step with that method by the test beside this file.
 */
export function readerCrops(d: Detection, width: number, height: number, o: PlateRecOptions): Box[] {
  const around = (box: Box, views: [number, number][]) =>
    views.map(([fx, fy]) => cropBox(box, width, height, PLATE_REC.marginX * fx, PLATE_REC.marginY * fy));
  return (d.alt ? [...around(d.box, o.lineViews), ...around(d.alt, o.altViews)] : around(d.box, o.views)).filter(
    (c) => c.w >= 4 && c.h >= 4,
  );
}

/** The overhang a set of crops leaves: on each side, the least any crop leaves (what the widest crop there sees). */
export function leastOverhang(truth: Box, crops: readonly Box[]): { left: number; right: number } {
  const all = crops.map((c) => overhang(truth, c));
  return { left: Math.min(...all.map((o) => o.left)), right: Math.min(...all.map((o) => o.right)) };
}

/** A read that is the plate with its first (or last) characters missing and nothing else wrong. */
export function edgeLoss(truth: string, read: string): 'leading' | 'trailing' | null {
  if (read.length === 0 || read.length >= truth.length) return null;
  if (truth.endsWith(read)) return 'leading';
  if (truth.startsWith(read)) return 'trailing';
  return null;
}
