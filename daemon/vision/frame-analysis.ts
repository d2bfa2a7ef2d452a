import type { Box, RgbImage } from './image.js';
import type { AnalyzedPlate, Detection, FrameAnalysis, FrameTiming, PlateDetector, PlateReader } from './ports.js';
import { offsetBox } from './plate-geometry.js';
import { selectPlates } from './plate-selection.js';

export type { FrameAnalysis, FrameTiming } from './ports.js';

/** Detection on the whole frame or its region of interest, boxes in frame pixels. */
export async function detectPlates(
  detector: PlateDetector,
  image: RgbImage,
  roi?: Box,
): Promise<{ detections: Detection[]; ms: number }> {
  return timed(() => inRegion(image, roi, [], (img) => detector.detect(img)));
}

/**
 * The detector's closer look (PlateDetector.lookCloser) on the same frame or region, for when
 * nothing it found first was read surely; no detections (and no time) from a detector without one.
 */
export async function detectCloser(
  detector: PlateDetector,
  image: RgbImage,
  seen: Detection[],
  roi?: Box,
): Promise<{ detections: Detection[]; ms: number }> {
  const closer = detector.lookCloser?.bind(detector);
  if (!closer) return { detections: [], ms: 0 };
  return timed(() => inRegion(image, roi, seen, closer));
}

async function timed(run: () => Promise<Detection[]>): Promise<{ detections: Detection[]; ms: number }> {
  const t0 = performance.now();
  const detections = await run();
  return { detections, ms: performance.now() - t0 };
}

/** Runs `find` on the region of interest (when given) with `seen` moved into it, and moves what it finds back to frame pixels. */
async function inRegion(
  image: RgbImage,
  roi: Box | undefined,
  seen: Detection[],
  find: (image: RgbImage, seen: Detection[]) => Promise<Detection[]>,
): Promise<Detection[]> {
  if (!roi) return find(image, seen);
  const r = cropRegion(image, roi);
  const move = (d: Detection, dx: number, dy: number): Detection => ({
    ...d,
    box: offsetBox(d.box, dx, dy),
    ...(d.alt ? { alt: offsetBox(d.alt, dx, dy) } : {}),
  });
  return (
    await find(
      r.image,
      seen.map((d) => move(d, -r.x, -r.y)),
    )
  ).map((d) => move(d, r.x, r.y));
}

/** Reads each detection (the plate-like reads; selectPlates chooses the plate lines among them). */
async function readEach(
  reader: PlateReader,
  image: RgbImage,
  detections: Detection[],
): Promise<{ reads: AnalyzedPlate[]; ms: number }> {
  const t0 = performance.now();
  const reads: AnalyzedPlate[] = [];
  for (const d of detections) {
    const t = await reader.read(image, d);
    if (t) reads.push({ ...t, detectionScore: d.score });
  }
  return { reads, ms: performance.now() - t0 };
}

/**
 * A frame gets the detector's closer look when none of its reads is this sure: read at the
 * pipeline's `min_confidence` (under which it drops a read; this is its default, and the daemon
 * passes the configured one: `sureRead`), or read at all from a
 * detection the plate detector is sure of (a plate it found, however badly it reads; looking at
 * the whole frame again would not read it better). Most frames that remain hold only printing that
 * is not a plate (a camera's time stamp, a dealer's name), and perhaps a plate too small for
 * the first pass.
 */
export const SURE_READ: SureRead = { confidence: 0.5, detectionScore: 0.9 };

export interface SureRead {
  /** A read at least this confident (the pipeline's min_confidence). */
  readonly confidence: number;
  /** A read of a detection the plate detector scored at least this. */
  readonly detectionScore: number;
}

/** SURE_READ with the pipeline's configured `min_confidence` in place of its default. */
export function sureRead(minConfidence: number): SureRead {
  return { ...SURE_READ, confidence: minConfidence };
}

/** The whole per-frame path, the same in a worker and in process (eval, bench). */
export async function analyzeFrame(
  detector: PlateDetector,
  reader: PlateReader,
  image: RgbImage,
  roi?: Box,
  sure: SureRead = SURE_READ,
): Promise<FrameAnalysis> {
  const det = await detectPlates(detector, image, roi);
  const { plates, timing } = await readDetections(
    reader,
    image,
    det,
    () => detectCloser(detector, image, det.detections, roi),
    sure,
  );
  return { plates: plates.map((p) => ({ ...p, timing })), timing };
}

/**
 * Reads a frame's detections; when no read is sure (`sure`, by default SURE_READ), reads
 * what `lookCloser` finds too (the detector's closer look: a small, far plate the first pass
 * missed), and chooses the plates among all the reads. Timing covers both.
 */
export async function readDetections(
  reader: PlateReader,
  image: RgbImage,
  det: { detections: Detection[]; ms: number },
  lookCloser: () => Promise<{ detections: Detection[]; ms: number }>,
  sure: SureRead = SURE_READ,
): Promise<{ plates: AnalyzedPlate[]; timing: FrameTiming }> {
  const first = await readEach(reader, image, det.detections);
  const plates = selectPlates(first.reads);
  const timing = { detectMs: det.ms, readMs: first.ms };
  if (plates.some((p) => p.confidence >= sure.confidence || p.detectionScore >= sure.detectionScore))
    return { plates, timing };
  const again = await lookCloser();
  timing.detectMs += again.ms;
  if (again.detections.length === 0) return { plates, timing };
  const more = await readEach(reader, image, again.detections);
  timing.readMs += more.ms;
  return { plates: selectPlates([...first.reads, ...more.reads]), timing };
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
