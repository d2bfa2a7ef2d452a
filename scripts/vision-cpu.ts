// CPU cost of the per-frame vision path (detect + read) on 1280×720 photos, on one thread.
// usage: npx tsx scripts/vision-cpu.ts [DATASET_DIR] [N] [DETECTOR[@LONG_SIDE[/RETRY]],...] [READER,...]
// (e.g. ppocr-v4-det,ppocr-v4-det@832,plate-det-v1-text@960; LONG_SIDE is the detector's own:
// vision.detect_long_side for ppocr-v4-det, vision.plate_long_side for plate-det-v1(-text);
// RETRY is vision.plate_retry_long_side, 800 by default; 0 or not above LONG_SIDE: no closer look)
// BLANK_PLATES=1 paints each photo's labelled plate grey first: frames in which nothing is read,
// the closer look's worst case. PLATE_SYNTAX=none reads without the shape prior (vision.plate_syntax).
// MODELS_DIR=DIR reads models from DIR/manifest.yaml: a temporary folder holding a candidate in some
// entry's slot (scripts/train/slot-models.sh), interleaved with the bundled ones it still holds.
// Several detectors (and readers: every detector with every reader) run interleaved frame by frame
// in one process, so a noisy shared machine slows them alike and their medians compare.
// Prints wall and process-CPU ms per frame (CPU time is what a 2-core unit can share out;
// wall time on a busy machine includes waiting for the core).
// The daemon runs under `node --single-threaded-gc` (systemd/alpr-edge.service): to measure what
// it spends, `node --single-threaded-gc --import tsx scripts/vision-cpu.ts ...` (without it, V8's
// parallel GC helpers add ~10 ms of CPU a frame at the same wall time).
import { resolve } from 'node:path';
import { createInProcessAnalyzer } from '../daemon/vision/analyzer-factory.js';
import { loadDataset, loadRgb, percentile } from '../daemon/vision/eval-dataset.js';
import { silentLogger } from '../daemon/shared/logger.js';
import type { Box, RgbImage } from '../daemon/vision/image.js';

const dir = process.argv[2] ?? resolve(import.meta.dirname, '../../shared/datasets/openalpr-us-dev');
const n = Number(process.argv[3] ?? 40);
const detectors = (process.argv[4] ?? 'ppocr-v4-det').split(',').filter(Boolean);
const readers = (process.argv[5] ?? 'ppocr-v4-rec').split(',').filter(Boolean);
const analyzers = [];
const names: string[] = [];
for (const spec of detectors) {
  const [detector, sizes] = spec.split('@');
  const [px, retry] = (sizes ?? '').split('/').map((v) => (v ? Number(v) : undefined));
  const plateSide = px ?? 640;
  for (const reader of readers) {
    const vision = {
      detector: detector!,
      reader,
      models_dir: process.env.MODELS_DIR ?? '',
      workers: 1,
      detect_long_side: px ?? 960,
      plate_long_side: plateSide,
      plate_retry_long_side: retry ?? 800,
      plate_syntax: process.env.PLATE_SYNTAX ?? 'plate-syntax-us',
    };
    analyzers.push(await createInProcessAnalyzer(vision, silentLogger()));
    names.push(`${spec} + ${reader}`);
  }
}
/** Paints a box (grown by a quarter each side, frame and all) mid-grey. */
function blank(img: RgbImage, b: Box): void {
  const x0 = Math.max(0, Math.round(b.x - b.w / 4)),
    x1 = Math.min(img.width, Math.round(b.x + b.w * 1.25));
  const y0 = Math.max(0, Math.round(b.y - b.h / 4)),
    y1 = Math.min(img.height, Math.round(b.y + b.h * 1.25));
  for (let y = y0; y < y1; y++) img.data.fill(128, (y * img.width + x0) * 3, (y * img.width + x1) * 3);
}
const frames = [];
for (const img of await loadDataset(dir)) {
  const rgb = await loadRgb(img.file);
  if (process.env.BLANK_PLATES === '1' && img.box) blank(rgb, img.box);
  if (rgb.width === 1280 && rgb.height === 720) frames.push(rgb);
  if (frames.length >= n) break;
}
for (const a of analyzers) await a.analyzeFrame(frames[0]!); // warm-up: first run allocates the session's buffers
const stats = analyzers.map(() => ({
  wall: [] as number[],
  cpu: [] as number[],
  det: [] as number[],
  read: [] as number[],
}));
for (const f of frames) {
  for (const [i, analyzer] of analyzers.entries()) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await analyzer.analyzeFrame(f);
    const c = process.cpuUsage(c0);
    const st = stats[i]!;
    st.wall.push(performance.now() - t0);
    st.cpu.push((c.user + c.system) / 1000);
    st.det.push(r.timing.detectMs);
    st.read.push(r.timing.readMs);
  }
}
const s = (v: number[]) => `median ${percentile(v, 0.5).toFixed(0)} ms, p90 ${percentile(v, 0.9).toFixed(0)} ms`;
console.log(`${frames.length} frames of 1280x720 from ${dir}`);
for (const [i, name] of names.entries()) {
  const st = stats[i]!;
  console.log(`${name}:`);
  console.log(`  CPU per frame (detect+read, one ONNX thread): ${s(st.cpu)}`);
  console.log(`  wall per frame: ${s(st.wall)}  (detect ${s(st.det)}; read ${s(st.read)})`);
}
