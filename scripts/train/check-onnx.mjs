// Loads an exported recogniser in onnxruntime-node (the daemon's runtime; Python has no
// onnxruntime here), checks its input/output names and shapes, and times one crop on one thread.
import ort from 'onnxruntime-node';

const file = process.argv[2];
const s = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
if (s.inputNames[0] !== 'image' || !s.outputNames.includes('chars') || !s.outputNames.includes('state')) {
  console.error(`${file}: unexpected names ${s.inputNames} -> ${s.outputNames}`);
  process.exit(1);
}
const x = new ort.Tensor('float32', new Float32Array(32 * 128).fill(128), [1, 1, 32, 128]);
let r = await s.run({ image: x });
if (
  r.chars.dims.length !== 3 ||
  ![32, 64].includes(r.chars.dims[1]) ||
  r.chars.dims[2] !== 37 ||
  r.state.dims.join() !== '1,51'
) {
  console.error(`${file}: unexpected shapes chars ${r.chars.dims} state ${r.state.dims}`);
  process.exit(1);
}
const t = performance.now();
for (let i = 0; i < 200; i++) r = await s.run({ image: x });
console.log(
  `${file}: chars [${r.chars.dims}] state [${r.state.dims}], ${((performance.now() - t) / 200).toFixed(2)} ms per crop on one thread`,
);
