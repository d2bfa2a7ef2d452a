import { silentLogger } from '../shared/logger.js';
import { createFrameAnalyzer } from './analyzer-factory.js';
import { overlapsTruth } from './eval-dataset.js';
import type { FrameAnalysis, FrameAnalyzer } from './ports.js';
import { renderPlateScene } from './test-support/render-plate.js';

// In a worker thread, as plate-reading.test.ts explains: onnxruntime-node cannot run in jest's realm.
describe('the windowed PP-OCR detector (ppocr-v4-det-windows)', () => {
  it('is built from the registry by its configured name and finds the plate a rendered frame holds', async () => {
    const vision = {
      detector: 'ppocr-v4-det-windows',
      reader: 'ppocr-v4-rec',
      models_dir: '',
      workers: 1,
      detect_long_side: 960,
      plate_long_side: 640,
      plate_retry_long_side: 800,
      plate_syntax: 'plate-syntax-us',
    };
    const analyzer = (await createFrameAnalyzer(vision, silentLogger())) as FrameAnalyzer & {
      analyzeFrame(...a: Parameters<NonNullable<FrameAnalyzer['analyzeFrame']>>): Promise<FrameAnalysis>;
    };
    try {
      const scene = await renderPlateScene('7KD 4409');
      const { plates } = await analyzer.analyzeFrame(scene.image);
      expect(plates[0]?.text).toBe('7KD4409');
      expect(overlapsTruth(plates[0]!.box, scene.plate)).toBe(true);
    } finally {
      await analyzer.close();
    }
  });
});
