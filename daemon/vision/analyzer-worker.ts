import { parentPort } from 'node:worker_threads';
import { loadManifest } from './manifest.js';
import { buildDetector, buildReader, loadSyntax, modelOptions, resolveModel } from './model-registry.js';
import { InProcessAnalyzer } from './in-process-analyzer.js';
import { sureRead } from './frame-analysis.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.js';

/**
 * Inference worker: owns one detector and one reader session (one ONNX thread each) and
 * analyses one frame at a time. Checksums were verified by the parent before it started us.
 */
const port = parentPort;
if (!port) throw new Error('analyzer-worker must run in a worker thread');
let analyzer: InProcessAnalyzer | undefined;

const reply = (m: WorkerReply) => port.postMessage(m);

port.on('message', (msg: WorkerRequest | WorkerInit) => {
  if (msg.type === 'init') {
    void init(msg).then(
      () => reply({ type: 'ready' }),
      (err: Error) => reply({ type: 'init-error', name: err.name, message: err.message }),
    );
    return;
  }
  const a = analyzer;
  if (!a) {
    reply({ type: 'error', id: msg.id, message: 'worker not initialised' });
    return;
  }
  const image = { width: msg.width, height: msg.height, data: new Uint8Array(msg.data) };
  a.analyzeFrame(image, msg.roi).then(
    (analysis) => reply({ type: 'result', id: msg.id, analysis }),
    (err: Error) => reply({ type: 'error', id: msg.id, message: err.message }),
  );
});

async function init(msg: WorkerInit): Promise<void> {
  const manifest = await loadManifest(msg.modelsDir);
  const vision = {
    detect_long_side: msg.detectLongSide,
    plate_long_side: msg.plateLongSide,
    plate_retry_long_side: msg.plateRetryLongSide,
  };
  const opts = modelOptions(vision, manifest, loadSyntax(manifest, msg.plateSyntax));
  const detector = await buildDetector(resolveModel(manifest, 'detector', msg.detector), opts);
  const reader = await buildReader(resolveModel(manifest, 'reader', msg.reader), opts);
  analyzer = new InProcessAnalyzer(detector, reader, sureRead(msg.minConfidence));
  // One blank frame first: onnxruntime sizes its buffers on the first run, which would
  // otherwise make the first real frame several times slower than the rest.
  const blank = { width: 640, height: 360, data: new Uint8Array(640 * 360 * 3).fill(128) };
  await detector.detect(blank);
  await reader.read(blank, { box: { x: 100, y: 100, w: 160, h: 40 }, score: 1 });
}
