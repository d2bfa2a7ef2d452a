import { silentLogger } from '../shared/logger.js';
import { createFrameAnalyzer } from './analyzer-factory.js';
import { overlapsTruth } from './eval-dataset.js';
import type { FrameAnalysis, FrameAnalyzer } from './ports.js';
import { renderPlateScene, type RenderedScene } from './test-support/render-plate.js';

const vision = {
  detector: 'ppocr-v4-det',
  reader: 'ppocr-v4-rec',
  models_dir: '',
  workers: 1,
  detect_long_side: 960,
  plate_long_side: 640,
  plate_retry_long_side: 800,
  plate_syntax: 'plate-syntax-us',
};

// The real models run in the real worker thread here: under jest, onnxruntime-node cannot run
// in the test's own VM realm (its output Float32Array comes from the main realm and fails
// onnxruntime-common's instanceof check), while a worker is a plain Node realm, as in the daemon.
describe('reading a rendered plate with the real PP-OCRv4 models in a worker thread', () => {
  let analyzer: FrameAnalyzer & {
    analyzeFrame(...a: Parameters<NonNullable<FrameAnalyzer['analyzeFrame']>>): Promise<FrameAnalysis>;
  };
  let scene: RenderedScene;
  beforeAll(async () => {
    analyzer = (await createFrameAnalyzer(vision, silentLogger())) as typeof analyzer;
    scene = await renderPlateScene('ABC 1234');
  });
  afterAll(async () => {
    await analyzer?.close();
  });

  it('reads the plate line, not the state name, slogan, phone number or clock', async () => {
    const { plates, timing } = await analyzer.analyzeFrame(scene.image);
    expect(plates.map((p) => p.text)).toEqual(['ABC1234']);
    const plate = plates[0]!;
    expect(overlapsTruth(plate.box, scene.plate)).toBe(true);
    expect(plate.confidence).toBeGreaterThan(0.5);
    expect(plate.chars.map((c) => c.char).join('')).toBe('ABC1234');
    expect(timing.detectMs).toBeGreaterThan(0);
    expect(timing.readMs).toBeGreaterThan(0);
    expect(plate.timing).toEqual(timing);
  });

  it('leaves the caller its frame: the worker gets a transferred copy', async () => {
    const before = scene.image.data.byteLength;
    await analyzer.analyze(scene.image);
    expect(scene.image.data.byteLength).toBe(before);
  });

  it('reads only inside the region of interest, in frame coordinates', async () => {
    const inside = await analyzer.analyze(scene.image, { x: 400, y: 380, w: 500, h: 220 });
    expect(inside.map((p) => p.text)).toEqual(['ABC1234']);
    expect(overlapsTruth(inside[0]!.box, scene.plate)).toBe(true);
    expect(await analyzer.analyze(scene.image, { x: 0, y: 0, w: 400, h: 300 })).toEqual([]);
  });

  it('reads another plate text, so the read is not a constant', async () => {
    const other = await renderPlateScene('7KD 4409');
    expect((await analyzer.analyze(other.image)).map((p) => p.text)).toEqual(['7KD4409']);
  });

  it('refuses frames after close', async () => {
    const pool = await createFrameAnalyzer(vision, silentLogger());
    await pool.close();
    await expect(pool.analyze(scene.image)).rejects.toThrow(/closed/);
  });
});
