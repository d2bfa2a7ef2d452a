import { silentLogger } from '../shared/logger.js';
import { createFrameAnalyzer } from './analyzer-factory.js';
import { overlapsTruth } from './eval-dataset.js';
import type { FrameAnalysis, FrameAnalyzer } from './ports.js';
import { renderPlateScene } from './test-support/render-plate.js';
import sharp from 'sharp';
import { PLATES } from '../../scripts/fixtures/plate-svg.js';
import { renderStill } from '../../scripts/fixtures/still.js';

type Analyzer = FrameAnalyzer & {
  analyzeFrame(...a: Parameters<NonNullable<FrameAnalyzer['analyzeFrame']>>): Promise<FrameAnalysis>;
};

/** The plate the named models find on a rendered scene of `display` (on its box), and that box's scene. */
async function readScene(detector: string, reader: string, display: string) {
  const analyzer = (await createFrameAnalyzer(
    {
      detector,
      reader,
      models_dir: '',
      workers: 1,
      detect_long_side: 960,
      plate_long_side: 640,
      plate_retry_long_side: 800,
      plate_syntax: 'plate-syntax-us',
    },
    silentLogger(),
  )) as Analyzer;
  try {
    const scene = await renderPlateScene(display);
    const { plates } = await analyzer.analyzeFrame(scene.image);
    return { scene, onPlate: plates.find((p) => overlapsTruth(p.box, scene.plate)) };
  } finally {
    await analyzer.close();
  }
}

// In a worker thread, as plate-reading.test.ts explains: onnxruntime-node cannot run in jest's realm.
describe('the trained models chosen by name in the config (vision.detector / vision.reader)', () => {
  it('plate-det-v1 with plate-rec-v1: the registry builds both and they find and read a rendered plate', async () => {
    expect((await readScene('plate-det-v1', 'plate-rec-v1', '7KD 4409')).onPlate?.text).toBe('7KD4409');
  });

  it('plate-det-v1-text (plate boxes refined by PP-OCR text lines) with plate-rec-v1 reads a rendered plate on its line', async () => {
    const { scene, onPlate } = await readScene('plate-det-v1-text', 'plate-rec-v1', 'BKR 4721');
    expect(onPlate?.text).toBe('BKR4721');
    // The character line, not the whole plate: well inside the plate's height.
    expect(onPlate!.box.h).toBeLessThan(scene.plate.h * 0.8);
  });

  it.each(['plate-rec-v10', 'plate-rec-v8', 'plate-rec-v3-pair', 'plate-rec-v3', 'plate-rec-v2', 'plate-rec-v2-pair'])(
    '%s reads a rendered plate in a wide font',
    async (reader) => {
      expect((await readScene('plate-det-v1-text', reader, 'WYK 3380')).onPlate?.text).toBe('WYK3380');
    },
  );

  it('plate-det-v1-text looks closer (vision.plate_retry_long_side) at a frame where nothing was read: a 150-px plate the 640-px pass misses is read', async () => {
    const index = PLATES.findIndex((p) => p.text === 'LPH862');
    const still = await renderStill(index, 150);
    const { data, info } = await sharp(still.jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const frame = {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
    const read = async (retry: number) => {
      const analyzer = (await createFrameAnalyzer(
        {
          detector: 'plate-det-v1-text',
          reader: 'plate-rec-v10',
          models_dir: '',
          workers: 1,
          detect_long_side: 960,
          plate_long_side: 640,
          plate_retry_long_side: retry,
          plate_syntax: 'plate-syntax-us',
        },
        silentLogger(),
      )) as Analyzer;
      try {
        return (await analyzer.analyzeFrame(frame)).plates.find((p) => overlapsTruth(p.box, still.box))?.text;
      } finally {
        await analyzer.close();
      }
    };
    expect(await read(800)).toBe('LPH862');
    // Without the closer look the plate is not found (if a retrained detector finds it at 640, this scene no longer shows the closer look's use).
    expect(await read(0)).toBeUndefined();
  });

  it('an unknown name is refused at start, naming the key and what is available', async () => {
    const vision = {
      detector: 'plate-det-v9',
      reader: 'plate-rec-v1',
      models_dir: '',
      workers: 1,
      detect_long_side: 960,
      plate_long_side: 640,
      plate_retry_long_side: 800,
      plate_syntax: 'plate-syntax-us',
    };
    await expect(createFrameAnalyzer(vision, silentLogger())).rejects.toThrow(
      /vision\.detector: unknown detector "plate-det-v9".*available: .*plate-det-v1/,
    );
    const syntax = { ...vision, detector: 'plate-det-v1', plate_syntax: 'plate-syntax-eu' };
    await expect(createFrameAnalyzer(syntax, silentLogger())).rejects.toThrow(
      /vision\.plate_syntax: unknown plate syntax "plate-syntax-eu".*available: plate-syntax-us, none/,
    );
  });
});
