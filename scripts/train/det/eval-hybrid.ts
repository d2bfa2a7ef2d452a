// Variants of the trained plate detector, measured like `alpr-edge eval` (same runEval, same
// scoring) with plate-rec-v1 as the reader:
//   plate-det-v1 handing on only the middle band of each plate box (92 % × 60 %, where a US
//     plate's characters are), since the reader does better on text-line boxes;
//   plate-det-v1 then ppocr-v4-det-windows only on frames where it finds nothing;
//   plate-det-v1 at 640 then at 960 px on frames where it finds nothing (own network only);
//   plate-det-v1's 3 best boxes, each refined by PP-OCR text detection on the box's
//     surroundings (the tallest plate-shaped text line inside; the plate box when none).
//   node --import tsx scripts/train/det/eval-hybrid.ts ../shared/datasets/openalpr-us-dev [--models-dir D] [--only TEXT]
import { defaultModelsDir, loadManifest, verifyModel } from '../../../daemon/vision/manifest.js';
import { buildDetector, buildReader, resolveModel } from '../../../daemon/vision/model-registry.js';
import { loadDataset } from '../../../daemon/vision/eval-dataset.js';
import { runEval, type EvalSummary } from '../../../daemon/vision/eval-run.js';
import {
  PlateDetDetector,
  createPlateDetDetector,
  defaultPlateDetOptions,
} from '../../../daemon/vision/plate-det-detector.js';
import { openSession } from '../../../daemon/vision/onnx-session.js';
import type { Detection, PlateDetector } from '../../../daemon/vision/ports.js';
import type { RgbImage } from '../../../daemon/vision/image.js';
import { cropRegion } from '../../../daemon/vision/frame-analysis.js';
import { PpocrDetector } from '../../../daemon/vision/ppocr-detector.js';

/** Plate boxes from `first`; PP-OCR text lines looked for only around each of the best `n`. */
class Refine implements PlateDetector {
  fallbacks = 0;
  constructor(
    readonly name: string,
    private readonly first: PlateDetector,
    private readonly text: PpocrDetector,
    private readonly n = 3,
  ) {}
  async detect(image: RgbImage): Promise<Detection[]> {
    const out: Detection[] = [];
    for (const d of (await this.first.detect(image)).slice(0, this.n)) {
      const b = d.box;
      const roi = { x: b.x - b.w * 0.15, y: b.y - b.h * 0.3, w: b.w * 1.3, h: b.h * 1.6 };
      const crop = cropRegion(image, { x: Math.max(0, roi.x), y: Math.max(0, roi.y), w: roi.w, h: roi.h });
      const lines = (await this.text.detect(crop.image)).filter((l) => l.box.w >= b.w * 0.35);
      const line = lines.sort((p, q) => q.box.h - p.box.h)[0];
      if (!line) this.fallbacks++;
      out.push(line ? { box: { ...line.box, x: line.box.x + crop.x, y: line.box.y + crop.y }, score: d.score } : d);
    }
    return out;
  }
}

function formatSummary(s: EvalSummary): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  const ms = (m: { median: number; p90: number }) => `median ${m.median.toFixed(0)} ms, p90 ${m.p90.toFixed(0)} ms`;
  return `  detection recall ${pct(s.detectionRecall)}   top-1 ${pct(s.top1)}   top-5 ${pct(s.top5)}\n  detect ${ms(s.detectMs)}; read ${ms(s.readMs)}; total ${ms(s.totalMs)}`;
}

class Fallback implements PlateDetector {
  fallbacks = 0;
  constructor(
    readonly name: string,
    private readonly first: PlateDetector,
    private readonly second: PlateDetector | null,
  ) {}
  async detect(image: RgbImage): Promise<Detection[]> {
    const d = await this.first.detect(image);
    if (d.length > 0 || !this.second) return d;
    this.fallbacks++;
    return this.second.detect(image);
  }
}

const args = process.argv.slice(2);
const mi = args.indexOf('--models-dir');
const modelsDir = mi >= 0 ? args.splice(mi, 2)[1]! : defaultModelsDir();
const oi = args.indexOf('--only');
const only = oi >= 0 ? args.splice(oi, 2)[1]! : '';
const dir = args[0] ?? '../shared/datasets/openalpr-us-dev';
const manifest = await loadManifest(modelsDir);
const opts = { detectLongSide: 960, plateLongSide: 640, plateRetryLongSide: 0 };
const det = resolveModel(manifest, 'detector', 'plate-det-v1');
const pp = resolveModel(manifest, 'detector', 'ppocr-v4-det-windows');
const rec = resolveModel(manifest, 'reader', 'plate-rec-v1');
for (const e of [det, pp, rec]) await verifyModel(e);
const reader = await buildReader(rec, opts);
const images = await loadDataset(dir);
const own = await createPlateDetDetector(det);
const band = new PlateDetDetector(det.name, await openSession(det.file, det.name), {
  ...defaultPlateDetOptions,
  keep: [0.92, 0.6],
});
const variants: Fallback[] = [
  new Fallback('plate-det-v1, middle band 92 % x 60 % of each box', band, null),
  new Fallback('plate-det-v1, else ppocr-v4-det-windows', own, await buildDetector(pp, opts)),
  new Fallback(
    'plate-det-v1 at 640, else at 960',
    own,
    new PlateDetDetector(det.name, await openSession(det.file, det.name), { ...defaultPlateDetOptions, longSide: 960 }),
  ),
];
const ppSession = await openSession(pp.file, pp.name);
const refines = [320, 192].map(
  (side) =>
    new Refine(
      `plate-det-v1 boxes refined by ppocr-v4-det text lines (crops at ${side} px)`,
      own,
      new PpocrDetector('ppocr-v4-det', ppSession, PpocrDetector.defaults(side)),
    ),
);
for (const v of [...variants, ...refines].filter((x) => x.name.includes(only))) {
  const { summaries } = await runEval(images, v, [reader]);
  console.log(`${v.name} (fallback on ${v.fallbacks} of ${images.length} images):`);
  console.log(formatSummary(summaries[0]!));
}
