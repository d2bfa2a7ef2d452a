import type { Detection, PlateDetector, PlateReader } from './ports.js';
import { detectCloser, detectPlates, readDetections } from './frame-analysis.js';
import { loadRgb, percentile, scoreImage, type ImageScore, type LabelledImage } from './eval-dataset.js';

/** One image as one reader saw it. */
export interface EvalRow extends ImageScore {
  image: string;
  reader: string;
  truth: string;
  truthState: string;
  width: number;
  height: number;
  detectMs: number;
  readMs: number;
}

export interface EvalSummary {
  reader: string;
  images: number;
  detectionRecall: number;
  top1: number;
  top5: number;
  /** Share of state-labelled images whose state the reader gave correctly (NaN: no labels). */
  stateAccuracy: number;
  /** Share of state-labelled images where the reader gave any state. */
  stateAnswered: number;
  detectMs: { median: number; p90: number };
  readMs: { median: number; p90: number };
  totalMs: { median: number; p90: number };
}

/**
 * Runs the per-frame path over a labelled set: detection once per image, then every reader on
 * the same detections, so readers compare side by side on equal boxes (`--reader a,b`).
 */
export async function runEval(
  images: LabelledImage[],
  detector: PlateDetector,
  readers: PlateReader[],
  onRow: (row: EvalRow, index: number) => void = () => {},
): Promise<{ rows: EvalRow[]; summaries: EvalSummary[] }> {
  const rows: EvalRow[] = [];
  for (const [i, img] of images.entries()) {
    const rgb = await loadRgb(img.file);
    // A plate crop (no box in the labels) is its own detection: the reader alone is measured.
    const det = img.box
      ? await detectPlates(detector, rgb)
      : { detections: [{ box: { x: 0, y: 0, w: rgb.width, h: rgb.height }, score: 1 }], ms: 0 };
    // As analyzeFrame: a reader that reads nothing surely gets the detector's closer look (found once, for all such readers).
    let closer: Promise<{ detections: Detection[]; ms: number }> | undefined;
    for (const reader of readers) {
      const read = await readDetections(
        reader,
        rgb,
        det,
        () =>
          (closer ??= img.box
            ? detectCloser(detector, rgb, det.detections)
            : Promise.resolve({ detections: [], ms: 0 })),
      );
      const row: EvalRow = {
        image: img.name,
        reader: reader.name,
        truth: img.plate,
        truthState: img.state ?? '',
        width: rgb.width,
        height: rgb.height,
        detectMs: read.timing.detectMs,
        readMs: read.timing.readMs,
        ...scoreImage(img, read.plates),
      };
      rows.push(row);
      onRow(row, i);
    }
  }
  return {
    rows,
    summaries: readers.map((r) =>
      summarise(
        r.name,
        rows.filter((row) => row.reader === r.name),
      ),
    ),
  };
}

export function summarise(reader: string, rows: EvalRow[]): EvalSummary {
  const n = rows.length;
  const frac = (f: (r: EvalRow) => boolean) => (n ? rows.filter(f).length / n : NaN);
  const stat = (v: number[]) => ({ median: percentile(v, 0.5), p90: percentile(v, 0.9) });
  return {
    reader,
    images: n,
    detectionRecall: frac((r) => r.detected),
    top1: frac((r) => r.top1),
    top5: frac((r) => r.top5),
    ...stateShares(rows),
    detectMs: stat(rows.map((r) => r.detectMs)),
    readMs: stat(rows.map((r) => r.readMs)),
    totalMs: stat(rows.map((r) => r.detectMs + r.readMs)),
  };
}

function stateShares(rows: EvalRow[]): { stateAccuracy: number; stateAnswered: number } {
  const labelled = rows.filter((r) => r.stateCorrect !== null);
  if (labelled.length === 0) return { stateAccuracy: NaN, stateAnswered: NaN };
  return {
    stateAccuracy: labelled.filter((r) => r.stateCorrect).length / labelled.length,
    stateAnswered: labelled.filter((r) => r.state !== null).length / labelled.length,
  };
}

const CSV_COLUMNS = [
  'image',
  'reader',
  'truth',
  'read',
  'detected',
  'top1',
  'top5',
  'candidates',
  'other_plates',
  'width',
  'height',
  'detect_ms',
  'read_ms',
  'truth_state',
  'read_state',
];

export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

export function csvLine(r: EvalRow): string {
  const cells = [
    r.image,
    r.reader,
    r.truth,
    r.text,
    r.detected,
    r.top1,
    r.top5,
    r.candidates.join('|'),
    r.others,
    r.width,
    r.height,
    r.detectMs.toFixed(1),
    r.readMs.toFixed(1),
    r.truthState,
    r.state ?? '',
  ];
  return cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',');
}
