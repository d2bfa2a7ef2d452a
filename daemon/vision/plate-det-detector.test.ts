import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ModelError } from '../shared/errors.js';
import { defaultModelsDir, loadManifest, verifyModel, type ModelEntry } from './manifest.js';
import {
  PlateDetDetector,
  createPlateDetDetector,
  defaultPlateDetOptions,
  frameToInput,
  inputGeometry,
  mapToDetections,
  type PlateMap,
} from './plate-det-detector.js';
import { sampleToTensor } from './tensor-prep.js';
import type { InferenceSession } from './onnx-session.js';
import type { RgbImage } from './image.js';
import { inNode, tamperedCopy, withTempDir } from '../../test/helpers/model-files.js';

const MODEL_NAME = 'plate-det-v1';

async function entry(name = MODEL_NAME): Promise<ModelEntry> {
  const e = (await loadManifest(defaultModelsDir())).models.get(name);
  if (!e) throw new Error(`${name} is not in models/manifest.yaml`);
  return e;
}

/** A w×h map of zeros with rectangles of cells set to p: [x, y, w, h, p]. */
function mapWith(w: number, h: number, rects: [number, number, number, number, number][], cell = 4): PlateMap {
  const data = new Float32Array(w * h);
  for (const [x0, y0, rw, rh, p] of rects)
    for (let y = y0; y < y0 + rh; y++) for (let x = x0; x < x0 + rw; x++) data[y * w + x] = p;
  return { data, width: w, height: h, cellW: cell, cellH: cell, validW: w, validH: h };
}

function expectBox(
  got: { x: number; y: number; w: number; h: number },
  want: { x: number; y: number; w: number; h: number },
): void {
  for (const k of ['x', 'y', 'w', 'h'] as const) expect(got[k]).toBeCloseTo(want[k], 4);
}

describe('plate-det map to boxes', () => {
  it('boxes each blob of plate cells in frame pixels, surest first', () => {
    const m = mapWith(40, 30, [
      [2, 3, 8, 3, 0.75],
      [20, 10, 12, 4, 1],
    ]);
    const dets = mapToDetections(m, 160, 120);
    expect(dets.map((d) => d.score)).toEqual([1, 0.75]);
    expect(dets[0]!.box).toEqual({ x: 80, y: 40, w: 48, h: 16 });
    // A blob at 0.75 covers three quarters of its edge cells: its box is a quarter cell smaller per side.
    expectBox(dets[1]!.box, { x: 9, y: 13, w: 30, h: 10 });
  });

  it('places edges inside the edge cells by how much of them the plate covers', () => {
    // cells 3 and 10 half covered: the plate spans 3.5 .. 10.5 cells
    const m = mapWith(20, 12, [
      [3, 4, 8, 2, 0.5],
      [4, 4, 6, 2, 1],
    ]);
    expectBox(mapToDetections(m, 80, 48)[0]!.box, { x: 14, y: 16, w: 28, h: 8 });
  });

  it('keeps a blob whose rim is faint as one box as long as its core is sure', () => {
    const m = mapWith(20, 20, [
      [3, 3, 10, 5, 0.4],
      [5, 4, 6, 3, 0.9],
    ]);
    const dets = mapToDetections(m, 80, 80);
    expect(dets).toHaveLength(1);
    expect(dets[0]!.score).toBeCloseTo(0.9, 5);
    expectBox(dets[0]!.box, { x: 14.4, y: 14.4, w: 35.2, h: 15.2 });
  });

  it('drops blobs that never get sure, single-cell specks and padding outside the frame', () => {
    const m = mapWith(20, 20, [
      [1, 1, 6, 3, 0.45],
      [10, 10, 1, 1, 0.99],
      [2, 17, 8, 3, 0.99],
    ]);
    m.validH = 16; // rows 16.. are the padding below the frame
    expect(mapToDetections(m, 80, 64)).toEqual([]);
  });

  it('scales cells to frame pixels per axis and clamps boxes to the frame', () => {
    const m: PlateMap = { ...mapWith(10, 10, [[6, 2, 4, 2, 1]]), cellW: 8, cellH: 6 };
    expect(mapToDetections(m, 75, 60)[0]!.box).toEqual({ x: 48, y: 12, w: 27, h: 12 });
  });

  it('hands on only the centred share of each box that `keep` asks for', () => {
    const m = mapWith(20, 10, [[2, 2, 8, 4, 1]]);
    expectBox(mapToDetections(m, 80, 40, { ...defaultPlateDetOptions, keep: [0.5, 0.25] })[0]!.box, {
      x: 16,
      y: 14,
      w: 16,
      h: 4,
    });
  });

  it('hands at most maxDetections boxes to the reader', () => {
    const rects: [number, number, number, number, number][] = [];
    for (let i = 0; i < 10; i++) rects.push([1 + 4 * i, 2, 2, 2, 0.6 + i * 0.03]);
    const dets = mapToDetections(mapWith(44, 8, rects), 176, 32);
    expect(dets).toHaveLength(defaultPlateDetOptions.maxDetections);
    expect(dets[0]!.score).toBeCloseTo(0.87, 5);
  });

  it('sizes the input as the long side at 640, padded to a multiple of 32', () => {
    expect(inputGeometry(1280, 720, 640)).toEqual({ drawW: 640, drawH: 360, inW: 640, inH: 384 });
    expect(inputGeometry(480, 640, 640)).toEqual({ drawW: 480, drawH: 640, inW: 480, inH: 640 });
  });
});

describe('plate-det input', () => {
  const noise = (w: number, h: number): RgbImage => ({
    width: w,
    height: h,
    data: new Uint8Array(w * h * 3).map((_, i) => (i * 2654435761) >>> 24),
  });

  it('halves a frame to exactly the bilinear BGR 0..1 input, zero-padded below', () => {
    const img = noise(64, 36);
    const fast = frameToInput(img, 32, 18, 32, 32);
    const ref = sampleToTensor(img, { x: 0, y: 0, w: 64, h: 36 }, 32, 32, 32, 18, [0, 0, 0], [1, 1, 1], 0);
    expect(Array.from(fast)).toEqual(Array.from(ref));
    // B plane first: the first pixel's B is the mean of the 2×2 block's B values / 255
    const d = img.data;
    expect(fast[0]).toBeCloseTo((d[2]! + d[5]! + d[64 * 3 + 2]! + d[64 * 3 + 5]!) / 4 / 255, 6);
    expect(fast[31 * 32 + 5]).toBe(0);
  });

  it('falls back to bilinear sampling when the scale is not a whole number', () => {
    const img = noise(50, 30);
    expect(Array.from(frameToInput(img, 32, 19, 32, 32))).toEqual(
      Array.from(sampleToTensor(img, { x: 0, y: 0, w: 50, h: 30 }, 32, 32, 32, 19, [0, 0, 0], [1, 1, 1], 0)),
    );
  });
});

describe('plate-det detector on a stand-in network', () => {
  it('finds a plate drawn in the map of a 1280×720 frame at its place in the frame', async () => {
    let fed: readonly number[] = [];
    const session = {
      inputNames: ['image'],
      outputNames: ['plate'],
      run: async (feeds: Record<string, { dims: readonly number[] }>) => {
        fed = feeds.image!.dims;
        const [, , h, w] = fed as number[];
        const m = mapWith(w! / 4, h! / 4, [[100, 60, 10, 5, 1]]);
        return { plate: { dims: [1, 1, m.height, m.width], data: m.data } };
      },
    } as unknown as InferenceSession;
    const frame: RgbImage = { width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3) };
    const dets = await new PlateDetDetector('t', session).detect(frame);
    expect(fed).toEqual([1, 3, 384, 640]);
    // map cell = 4 input px = 8 frame px
    expect(dets).toEqual([{ box: { x: 800, y: 480, w: 80, h: 40 }, score: 1 }]);
  });
});

/** The trained detector's module in a plain Node process (see test/helpers/model-files.ts). */
const inDetectorProcess = (body: string) =>
  inNode(
    { module: join(dirname(fileURLToPath(import.meta.url)), 'plate-det-detector.ts'), as: 'det' },
    MODEL_NAME,
    body,
  );

describe('plate-det ONNX model', () => {
  it('is listed in the manifest as a detector with a matching checksum', async () => {
    const e = await entry();
    expect(e.kind).toBe('detector');
    await expect(verifyModel(e)).resolves.toBeUndefined();
  });

  it('maps a 1280×720 frame to a 160×96 probability map (a quarter of the padded 640×384 input)', () => {
    const out = inDetectorProcess(`
      const d = await det.createPlateDetDetector(entry);
      const frame = { width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3).fill(90) };
      const m = await d.plateMap(frame);
      let lo = Infinity, hi = -Infinity;
      for (const v of m.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      const boxes = await d.detect(frame);
      console.log(JSON.stringify({ w: m.width, h: m.height, validH: m.validH, cellW: m.cellW, lo, hi, boxes: boxes.length }));`) as Record<
      string,
      number
    >;
    expect(out).toMatchObject({ w: 160, h: 96, validH: 90, cellW: 8 });
    expect(out.lo).toBeGreaterThanOrEqual(0);
    expect(out.hi).toBeLessThanOrEqual(1);
    // A flat grey frame holds no plate.
    expect(out.boxes).toBe(0);
  });

  it('runs its whole-frame pass at the configured vision.plate_long_side (960: a 240×136 map for 1280×720)', () => {
    const registry = join(dirname(fileURLToPath(import.meta.url)), 'model-registry.ts');
    const out = inNode(
      { module: registry, as: 'reg' },
      MODEL_NAME,
      `
      const d = await reg.buildDetector(entry, { detectLongSide: 960, plateLongSide: 960 });
      const m = await d.plateMap({ width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3).fill(90) });
      console.log(JSON.stringify({ w: m.width, h: m.height, cellW: m.cellW }));`,
    ) as Record<string, number>;
    expect(out).toEqual({ w: 240, h: 136, cellW: (1280 / 960) * 4 });
  });

  it('refuses a model file whose bytes no longer match the manifest checksum', async () => {
    const e = await entry();
    await withTempDir('plate-det-', async (dir) => {
      const bad = await tamperedCopy(e.file, dir);
      await expect(verifyModel({ ...e, file: bad })).rejects.toThrow(ModelError);
      await expect(verifyModel({ ...e, file: bad })).rejects.toThrow(/SHA-256/);
    });
  });

  it('refuses a different network (the plate reader) at start, naming what is missing', async () => {
    const rec = await entry('plate-rec-v1');
    const err = await createPlateDetDetector({ ...(await entry()), file: rec.file }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/lacks plate/);
  });

  it('refuses a file that is not an ONNX model at all', async () => {
    await withTempDir('plate-det-', async (dir) => {
      const junk = join(dir, 'junk.onnx');
      await writeFile(junk, 'not a model');
      await expect(createPlateDetDetector({ ...(await entry()), file: junk })).rejects.toThrow(ModelError);
    });
  });
});
