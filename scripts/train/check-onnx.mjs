// Loads an exported recogniser in onnxruntime-node (the daemon's runtime; Python has no
// onnxruntime here), checks its input/output names and shapes, and times it on one thread:
// one crop, and a batch of four (the daemon reads four crops of a detection in one run).
//
//   node scripts/train/check-onnx.mjs MODEL.onnx [HxW]     (input size, 32x128 by default)
import ort from 'onnxruntime-node';

const file = process.argv[2];
const [h, w] = (process.argv[3] ?? '32x128').split('x').map(Number);
const s = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
if (s.inputNames[0] !== 'image' || !s.outputNames.includes('chars') || !s.outputNames.includes('state')) {
  console.error(`${file}: unexpected names ${s.inputNames} -> ${s.outputNames}`);
  process.exit(1);
}
const input = (n) => new ort.Tensor('float32', new Float32Array(n * h * w).fill(128), [n, 1, h, w]);
let r = await s.run({ image: input(1) });
if (
  r.chars.dims.length !== 3 ||
  ![w / 4, w / 2].includes(r.chars.dims[1]) ||
  r.chars.dims[2] !== 37 ||
  r.state.dims.join() !== '1,51'
) {
  console.error(`${file}: unexpected shapes chars ${r.chars.dims} state ${r.state.dims} for a ${h}x${w} input`);
  process.exit(1);
}
const time = async (n, reps) => {
  const x = input(n);
  await s.run({ image: x });
  const t = performance.now();
  for (let i = 0; i < reps; i++) r = await s.run({ image: x });
  return (performance.now() - t) / reps;
};
const one = await time(1, 200);
const four = await time(4, 60);
console.log(
  `${file}: chars [${r.chars.dims}] state [${r.state.dims}], ${one.toFixed(2)} ms per crop on one thread, ${four.toFixed(2)} ms per batch of four`,
);
