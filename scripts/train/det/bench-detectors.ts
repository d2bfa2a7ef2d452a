// Detector time alone on 1280×720 frames, one thread: each detector's whole detect() (resize,
// network, post-processing) over the 1280×720 photos of a labelled folder, median of 50 runs.
//   node --import tsx scripts/train/det/bench-detectors.ts [DIR] [--models-dir D] [names...]
import { defaultModelsDir, loadManifest, verifyModel } from '../../../daemon/vision/manifest.js';
import { buildDetector, resolveModel } from '../../../daemon/vision/model-registry.js';
import { loadDataset, loadRgb } from '../../../daemon/vision/eval-dataset.js';
import type { RgbImage } from '../../../daemon/vision/image.js';

const args = process.argv.slice(2);
const mi = args.indexOf('--models-dir');
const modelsDir = mi >= 0 ? args.splice(mi, 2)[1]! : defaultModelsDir();
const dir = args.shift() ?? '../shared/datasets/openalpr-us-dev';
const names = args.length ? args : ['plate-det-v1', 'ppocr-v4-det-windows', 'ppocr-v4-det'];
const manifest = await loadManifest(modelsDir);
const frames: RgbImage[] = [];
for (const img of await loadDataset(dir)) {
  const rgb = await loadRgb(img.file);
  if (rgb.width === 1280 && rgb.height === 720) frames.push(rgb);
  if (frames.length === 10) break;
}
if (frames.length === 0) throw new Error(`${dir}: no 1280×720 photos`);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
for (const name of names) {
  const entry = resolveModel(manifest, 'detector', name);
  await verifyModel(entry);
  const det = await buildDetector(entry, { detectLongSide: 960, plateLongSide: 640, plateRetryLongSide: 0 });
  await det.detect(frames[0]!);
  const ms: number[] = [];
  for (let i = 0; i < 50; i++) {
    const f = frames[i % frames.length]!;
    const t = performance.now();
    await det.detect(f);
    ms.push(performance.now() - t);
  }
  console.log(
    `${name}: ${median(ms).toFixed(1)} ms median of 50 detect() on ${frames.length} 1280×720 frames (min ${Math.min(...ms).toFixed(1)})`,
  );
}
