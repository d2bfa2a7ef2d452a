import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { ModelError } from '../shared/errors.js';
import { defaultModelsDir, loadManifest, verifyModel, type ModelEntry } from './manifest.js';
import {
  PLATE_REC,
  PlateRecReader,
  createPlateRecReader,
  cropBox,
  decodeCtc,
  defaultPlateRecOptions,
  greyInput,
} from './plate-rec-reader.js';
import type { InferenceSession } from './onnx-session.js';
import { PlateSyntax } from './plate-syntax.js';
import type { RgbImage } from './image.js';
import { announceSkip } from '../../test/helpers/skip.js';
import { inNode, tamperedCopy, withTempDir } from '../../test/helpers/model-files.js';

const CLASSES = PLATE_REC.alphabet.length + 1;
const MODEL_NAME = 'plate-rec-v1';

/** A T×C probability matrix where each step is one-hot-ish on the given class. */
function probsFor(classesPerStep: number[], p = 0.9): Float32Array {
  const out = new Float32Array(classesPerStep.length * CLASSES).fill((1 - p) / (CLASSES - 1));
  classesPerStep.forEach((c, t) => {
    out[t * CLASSES + c] = p;
  });
  return out;
}

const cls = (ch: string) => PLATE_REC.alphabet.indexOf(ch) + 1;

async function entry(): Promise<ModelEntry> {
  const manifest = await loadManifest(defaultModelsDir());
  const e = manifest.models.get(MODEL_NAME);
  if (!e) throw new Error(`${MODEL_NAME} is not in models/manifest.yaml`);
  return e;
}

describe('plate-rec CTC decoder', () => {
  it('collapses repeats, drops blanks and keeps doubled letters that a blank separates', () => {
    const steps = [0, cls('A'), cls('A'), 0, cls('B'), 0, cls('B'), cls('7'), 0];
    expect(decodeCtc(probsFor(steps), steps.length, CLASSES).text).toBe('ABB7');
  });

  it('gives each character its best frame probability and the runners-up of that frame', () => {
    const probs = probsFor([cls('8'), cls('8')], 0.6);
    // The second frame is surer, and B is its runner-up.
    probs[CLASSES + cls('8')] = 0.7;
    probs[CLASSES + cls('B')] = 0.25;
    const read = decodeCtc(probs, 2, CLASSES);
    expect(read.text).toBe('8');
    expect(read.chars[0]!.p).toBeCloseTo(0.7);
    expect(read.chars[0]!.alts[0]).toEqual({ char: 'B', p: expect.closeTo(0.25, 5) });
  });

  it('reads nothing from an all-blank matrix', () => {
    expect(decodeCtc(probsFor([0, 0, 0]), 3, CLASSES)).toEqual({ text: '', chars: [] });
  });
});

/**
 * A stand-in session: the i-th crop it is given reads texts[i mod texts.length] (one character per
 * two steps), counted across calls (the reader may run a detection's crops in more than one batch).
 */
function fakeSession(texts: string[], p = 0.9, stateName = 'MO', calls = { n: 0 }): InferenceSession {
  let given = 0;
  return {
    inputNames: ['image'],
    outputNames: ['chars', 'state'],
    run: async (feeds: Record<string, { dims: readonly number[] }>) => {
      calls.n++;
      const batch = feeds.image!.dims[0]!;
      const steps = 32;
      const chars = new Float32Array(batch * steps * CLASSES);
      for (let b = 0; b < batch; b++) {
        const seq = new Array(steps).fill(0);
        for (const [i, ch] of [...texts[(given + b) % texts.length]!].entries()) seq[2 * i + 1] = cls(ch);
        chars.set(probsFor(seq, p), b * steps * CLASSES);
      }
      given += batch;
      const state = new Float32Array(batch * PLATE_REC.states.length).fill(0.01);
      for (let b = 0; b < batch; b++)
        state[b * PLATE_REC.states.length + PLATE_REC.states.indexOf(stateName as never)] = 0.9;
      return { chars: { data: chars }, state: { data: state } };
    },
  } as unknown as InferenceSession;
}

describe('plate-rec reader voting over crops', () => {
  const image: RgbImage = { width: 200, height: 100, data: new Uint8Array(200 * 100 * 3).fill(128) };
  const region = { box: { x: 50, y: 30, w: 100, h: 40 }, score: 0.9 };

  it('reads the string most crops agree on and keeps the others as alternatives', async () => {
    const reader = new PlateRecReader('t', fakeSession(['ABC1234', 'ABC1284', 'ABC1234', 'ABC1234']));
    const read = await reader.read(image, region);
    expect(read?.text).toBe('ABC1234');
    expect(read?.alternatives.map((a) => a.text)).toContain('ABC1284');
    expect(read?.state).toBe('MO');
    expect(read?.box).toEqual(region.box);
  });

  it("with two networks, the second reads every crop when the first one's crops disagree, and all the reads vote together", async () => {
    // Alone, the first network's crops favour its misread 2:2; the second network tips it.
    const first = fakeSession(['ABC1284', 'ABC1284', 'ABC1234', 'ABC1234'], 0.95);
    const second = fakeSession(['ABC1234', 'ABC1234', 'ABC1234', 'ABC1284'], 0.9, 'KS');
    expect((await new PlateRecReader('t', first).read(image, region))?.text).toBe('ABC1284');
    const pair = new PlateRecReader('t', [first, second]);
    const read = await pair.read(image, region);
    expect(read?.text).toBe('ABC1234');
    expect(read?.alternatives.map((a) => a.text)).toContain('ABC1284');
    // The state is the first network's, whatever the second says.
    expect(read?.state).toBe('MO');
  });

  it('with two networks, the second is not run when the first reads every crop alike and surely, nor when it reads no plate', async () => {
    const calls = { n: 0 };
    const second = fakeSession(['XYZ9876'], 0.99, 'KS', calls);
    const sure = await new PlateRecReader('t', [fakeSession(['ABC1234'], 0.95), second]).read(image, region);
    expect(sure?.text).toBe('ABC1234');
    expect(calls.n).toBe(0);
    // Too short for a plate in every crop (a sticker, a bolt): the second network would add cost, not a plate.
    await new PlateRecReader('t', [fakeSession(['AB', 'A8', 'AB', 'B'], 0.6), second]).read(image, region);
    expect(calls.n).toBe(0);
    // One unsure character is enough to ask.
    await new PlateRecReader('t', [fakeSession(['ABC1234'], 0.8), second]).read(image, region);
    expect(calls.n).toBe(1);
  });

  it("reads a detection's alt box too (the whole plate around a cut line), two crops of each, and they vote", async () => {
    // Left half dark, right half bright; this session reads dark crops short and bright crops whole.
    const split: RgbImage = { width: 200, height: 100, data: new Uint8Array(200 * 100 * 3) };
    for (let y = 0; y < 100; y++) split.data.fill(255, (y * 200 + 100) * 3, (y * 200 + 200) * 3);
    const means: number[] = [];
    const session = {
      inputNames: ['image'],
      outputNames: ['chars', 'state'],
      run: async (feeds: Record<string, { data: Float32Array; dims: readonly number[] }>) => {
        const { data, dims } = feeds.image!;
        const size = PLATE_REC.height * PLATE_REC.width;
        const reads = Array.from(
          { length: dims[0]! },
          (_, b) => data.subarray(b * size, (b + 1) * size).reduce((a, v) => a + v, 0) / size,
        );
        means.push(...reads);
        const views = reads.map((m) => (m > 128 ? fakeSession(['ABC1234'], 0.95) : fakeSession(['BC1234'], 0.9)));
        const outs = await Promise.all(views.map((v) => v.run({ image: { dims: [1] } } as never)));
        const cat = (k: 'chars' | 'state') =>
          Float32Array.from(outs.flatMap((o) => Array.from((o[k] as { data: Float32Array }).data)));
        return { chars: { data: cat('chars') }, state: { data: cat('state') } };
      },
    } as unknown as InferenceSession;
    const reader = new PlateRecReader('t', session);
    const line = { box: { x: 20, y: 30, w: 60, h: 40 }, score: 0.9 };
    expect((await reader.read(split, line))?.text).toBe('BC1234');
    expect(means).toHaveLength(4);
    means.length = 0;
    const both = await reader.read(split, { ...line, alt: { x: 120, y: 25, w: 70, h: 50 } });
    expect(means.map((m) => m > 128)).toEqual([false, false, true, true]);
    expect(both?.text).toBe('ABC1234');
    expect(both?.box).toEqual(line.box);
  });

  it('with a syntax prior, reads the crops split on go to the shape real plates have; a string no crop read is never chosen', async () => {
    const syntax = new PlateSyntax({ name: 't', shapes: { DDDLLL: 50, LLLDDD: 50 }, states: {} });
    // Two crops each way: the votes tie, and 1 for I makes the first read a shape no plate has.
    const tie = fakeSession(['I23ABC', '123ABC', 'I23ABC', '123ABC'], 0.9);
    expect((await new PlateRecReader('t', tie, defaultPlateRecOptions, syntax).read(image, region))?.text).toBe(
      '123ABC',
    );
    // Every crop reads the odd shape: 123ABC is only a runner-up, never a crop's read, so it is not chosen.
    const clear = fakeSession(['I23ABC'], 0.6);
    expect((await new PlateRecReader('t', clear, defaultPlateRecOptions, syntax).read(image, region))?.text).toBe(
      'I23ABC',
    );
  });

  it("does not read a detection too narrow to hold a plate's characters", async () => {
    const reader = new PlateRecReader('t', fakeSession(['ABC1234']));
    expect(await reader.read(image, { box: { x: 50, y: 30, w: 15, h: 8 }, score: 0.9 })).toBeNull();
  });

  it('refuses to be built with no network', () => {
    expect(() => new PlateRecReader('t', [])).toThrow(ModelError);
  });

  it('does not read the other crops of a detection whose first crop reads no plate: nothing, or one character (firstCropGate)', async () => {
    const batches: number[] = [];
    const counting = (texts: string[]): InferenceSession => {
      const s = fakeSession(texts);
      return {
        ...s,
        run: (feeds: Record<string, { dims: readonly number[] }>) => {
          batches.push(feeds.image!.dims[0]!);
          return s.run(feeds as never);
        },
      } as unknown as InferenceSession;
    };
    expect(
      await new PlateRecReader('t', counting(['', 'ABC1234', 'ABC1234', 'ABC1234'])).read(image, region),
    ).toBeNull();
    expect(batches).toEqual([1]);
    batches.length = 0;
    // One character is no plate either (a bolt, a sticker's mark).
    expect(
      await new PlateRecReader('t', counting(['7', 'ABC1234', 'ABC1234', 'ABC1234'])).read(image, region),
    ).toBeNull();
    expect(batches).toEqual([1]);
    batches.length = 0;
    expect((await new PlateRecReader('t', counting(['ABC1234'])).read(image, region))?.text).toBe('ABC1234');
    expect(batches).toEqual([1, 3]);
    batches.length = 0;
    const ungated = new PlateRecReader('t', counting(['', 'ABC1234', 'ABC1234', 'ABC1234']), {
      ...defaultPlateRecOptions,
      firstCropGate: false,
    });
    expect((await ungated.read(image, region))?.text).toBe('ABC1234');
    expect(batches).toEqual([4]);
  });

  it('returns null when no crop holds plate-like text', async () => {
    const reader = new PlateRecReader('t', fakeSession(['A', '', 'B', '']));
    expect(await reader.read(image, region)).toBeNull();
  });
});

describe('plate-rec crop', () => {
  it('widens the box by the training margins and clamps it to the frame', () => {
    expect(cropBox({ x: 100, y: 50, w: 200, h: 100 }, 1000, 1000)).toEqual({ x: 90, y: 42, w: 220, h: 116 });
    expect(cropBox({ x: 0, y: 0, w: 200, h: 100 }, 205, 104)).toEqual({ x: 0, y: 0, w: 205, h: 104 });
  });

  it('resizes like OpenCV bilinear with half-pixel centres and BT.601 grey', () => {
    // 2×1 image: black then white. Upscaled to 4 wide: 0, 63.75, 191.25, 255 (cv2.resize gives 0, 64, 191, 255).
    const img: RgbImage = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255]) };
    const out = greyInput(img, { x: 0, y: 0, w: 2, h: 1 }, 4, 1);
    expect(Array.from(out)).toEqual([0, 63.75, 191.25, 255]);
    const red: RgbImage = { width: 1, height: 1, data: new Uint8Array([255, 0, 0]) };
    expect(greyInput(red, { x: 0, y: 0, w: 1, h: 1 }, 1, 1)[0]).toBe(76);
  });
});

/** The trained reader's module in a plain Node process (see test/helpers/model-files.ts). */
const inReaderProcess = (body: string) =>
  inNode(
    { module: join(dirname(fileURLToPath(import.meta.url)), 'plate-rec-reader.ts'), as: 'reader' },
    MODEL_NAME,
    body,
  );

describe('plate-rec ONNX model', () => {
  it('is listed in the manifest with a matching checksum', async () => {
    await expect(verifyModel(await entry())).resolves.toBeUndefined();
  });

  it('takes grey 1×1×32×128 and gives as many steps as the manifest says, of 37 classes and 51 state probabilities', async () => {
    const steps = (await entry()).output!.shape[1]!;
    expect([32, 64]).toContain(steps);
    const out = inReaderProcess(`
      const r = await reader.createPlateRecReader(entry);
      const o = await r.infer(new Float32Array(32 * 128).fill(200));
      const rowSum = o.chars.slice(0, 37).reduce((s, v) => s + v, 0);
      console.log(JSON.stringify({ chars: o.chars.length, state: o.state.length, rowSum }));`) as {
      chars: number;
      state: number;
      rowSum: number;
    };
    expect(out.chars).toBe(steps * CLASSES);
    expect(out.state).toBe(PLATE_REC.states.length);
    expect(out.rowSum).toBeCloseTo(1, 4);
  });

  it('refuses a model file whose bytes no longer match the manifest checksum', async () => {
    const e = await entry();
    await withTempDir('plate-rec-', async (dir) => {
      const bad = await tamperedCopy(e.file, dir);
      await expect(verifyModel({ ...e, file: bad })).rejects.toThrow(ModelError);
      await expect(verifyModel({ ...e, file: bad })).rejects.toThrow(/SHA-256/);
    });
  });

  it('refuses a file that is not an ONNX model at all', async () => {
    await withTempDir('plate-rec-', async (dir) => {
      const junk = join(dir, 'junk.onnx');
      await writeFile(junk, 'not a model');
      await expect(createPlateRecReader({ ...(await entry()), file: junk })).rejects.toThrow(ModelError);
    });
  });

  const crops = resolve(defaultModelsDir(), '../../shared/datasets/openalpr-us-crops');
  const haveCrops = existsSync(join(crops, 'groundtruth.csv'));
  if (!haveCrops) announceSkip('the real-crop read', `${crops} is absent`);
  (haveCrops ? it : it.skip)('reads a clean real plate crop through the crop, grey and decode path', () => {
    // ak1165.png (FUW999) is in the training split: this checks the TS path, not accuracy.
    const out = inReaderProcess(`
      const sharp = (await import('sharp')).default;
      const { data, info } = await sharp(${JSON.stringify(join(crops, 'ak1165.png'))}).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const img = { width: info.width, height: info.height, data: new Uint8Array(data) };
      const r = await reader.createPlateRecReader(entry);
      const read = await r.read(img, { box: { x: 0, y: 0, w: img.width, h: img.height }, score: 1 });
      console.log(JSON.stringify(read));`) as {
      text: string;
      confidence: number;
      alternatives: { text: string; confidence: number }[];
      chars: unknown[];
    };
    expect(out.text).toBe('FUW999');
    expect(out.chars).toHaveLength(6);
    expect(out.confidence).toBeGreaterThan(0.3);
    // Alternatives are other strings only, each less likely than the read.
    for (const a of out.alternatives) {
      expect(a.text).not.toBe(out.text);
      expect(a.confidence).toBeLessThanOrEqual(out.confidence);
    }
  });
});
