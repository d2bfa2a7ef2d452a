// Loads an exported plate detector in onnxruntime-node (the daemon's runtime; Python has no
// onnxruntime here), checks its names and map shape, and times it on a 1280×720 frame on one
// thread: the session alone (1×3×384×640) and the daemon's whole detect() (resize + network +
// components), median of 50 runs each.
//   node --import tsx scripts/train/det/check-det.mjs models/plate-det-v1.onnx [frame.jpg]
import ort from 'onnxruntime-node';

const file = process.argv[2] ?? 'models/plate-det-v1.onnx';
const s = await ort.InferenceSession.create(file, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
if (s.inputNames[0] !== 'image' || s.outputNames[0] !== 'plate') {
  console.error(`${file}: unexpected names ${s.inputNames} -> ${s.outputNames}`);
  process.exit(1);
}
const x = new ort.Tensor('float32', new Float32Array(3 * 384 * 640).fill(0.5), [1, 3, 384, 640]);
let r = await s.run({ image: x });
if (r.plate.dims.join() !== '1,1,96,160') {
  console.error(`${file}: unexpected map [${r.plate.dims}] for 1×3×384×640`);
  process.exit(1);
}
const median = (v) => v.sort((a, b) => a - b)[v.length >> 1];
const times = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  r = await s.run({ image: x });
  times.push(performance.now() - t);
}
const det = await import('../../../daemon/vision/plate-det-detector.ts');
const d = new det.PlateDetDetector('plate-det-v1', s);
let frame = { width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3) };
for (let i = 0; i < frame.data.length; i++) frame.data[i] = (i * 2654435761) >>> 24;
if (process.argv[3]) {
  const sharp = (await import('sharp')).default;
  const { data, info } = await sharp(process.argv[3])
    .removeAlpha()
    .resize(1280, 720, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  frame = { width: info.width, height: info.height, data: new Uint8Array(data) };
}
const full = [];
let found = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  found = await d.detect(frame);
  full.push(performance.now() - t);
}
console.log(
  `${file}: map [${r.plate.dims}]; 1280×720 frame on one thread: session ${median(times).toFixed(1)} ms, detect() ${median(full).toFixed(1)} ms (median of 50); ${found.length} boxes`,
);
