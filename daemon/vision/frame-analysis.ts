import type { Box, RgbImage } from './image.js';
import type { AnalyzedPlate, Detection, FrameAnalysis, PlateDetector, PlateReader } from './ports.js';
import { offsetBox } from './plate-geometry.js';
import { selectPlates } from './plate-selection.js';

export type { FrameAnalysis, FrameTiming } from './ports.js';

/** Detection on the whole frame or its region of interest, boxes in frame pixels. */
export async function detectPlates(detector: PlateDetector, image: RgbImage, roi?: Box): Promise<{ detections: Detection[]; ms: number }> {
  const t0 = performance.now();
  let detections: Detection[];
  if (roi) {
    const r = cropRegion(image, roi);
    detections = (await detector.detect(r.image)).map((d) => ({ ...d, box: offsetBox(d.box, r.x, r.y), ...(d.alt ? { alt: offsetBox(d.alt, r.x, r.y) } : {}) }));
  } else detections = await detector.detect(image);
  return { detections, ms: performance.now() - t0 };
}

/** Reads each detection, keeps plate-like text, chooses the plate lines. */
export async function readPlates(reader: PlateReader, image: RgbImage, detections: Detection[]): Promise<{ plates: AnalyzedPlate[]; ms: number }> {
  const t0 = performance.now();
  const reads: AnalyzedPlate[] = [];
  for (const d of detections) {
    const t = await reader.read(image, d);
    if (t) reads.push({ ...t, detectionScore: d.score });
  }
  return { plates: selectPlates(reads), ms: performance.now() - t0 };
}

/** The whole per-frame path, the same in a worker and in process (eval, bench). */
export async function analyzeFrame(detector: PlateDetector, reader: PlateReader, image: RgbImage, roi?: Box): Promise<FrameAnalysis> {
  const det = await detectPlates(detector, image, roi);
  const read = await readPlates(reader, image, det.detections);
  const timing = { detectMs: det.ms, readMs: read.ms };
  return { plates: read.plates.map((p) => ({ ...p, timing })), timing };
}

/** Copies a rectangle out of a frame (rows are contiguous, so this is cheap). */
export function cropRegion(image: RgbImage, roi: Box): { image: RgbImage; x: number; y: number } {
  const x = Math.max(0, Math.min(image.width - 1, Math.round(roi.x)));
  const y = Math.max(0, Math.min(image.height - 1, Math.round(roi.y)));
  const w = Math.max(1, Math.min(image.width - x, Math.round(roi.w)));
  const h = Math.max(1, Math.min(image.height - y, Math.round(roi.h)));
  const data = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const src = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(src, src + w * 3), row * w * 3);
  }
  return { image: { width: w, height: h, data }, x, y };
}
