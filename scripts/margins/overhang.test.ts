import type { RgbImage } from '../../daemon/vision/image.js';
import type { InferenceSession } from '../../daemon/vision/onnx-session.js';
import { defaultPlateRecOptions, greyInput, PLATE_REC, PlateRecReader } from '../../daemon/vision/plate-rec-reader.js';
import { edgeLoss, leastOverhang, overhang, readerCrops } from './overhang.js';

describe('how far a plate reaches past the crops', () => {
  const truth = { x: 100, y: 50, w: 200, h: 50 };

  it('measures each side as a share of the plate width, negative inside', () => {
    expect(overhang(truth, { x: 110, y: 40, w: 200, h: 70 })).toEqual({ left: 0.05, right: -0.05 });
    expect(overhang(truth, { x: 90, y: 40, w: 200, h: 70 })).toEqual({ left: -0.05, right: 0.05 });
  });

  it('takes the widest crop on each side when there are several', () => {
    const o = leastOverhang(truth, [
      { x: 120, y: 40, w: 190, h: 70 },
      { x: 95, y: 40, w: 190, h: 70 },
    ]);
    expect(o.left).toBeCloseTo(-0.025);
    expect(o.right).toBeCloseTo(-0.05);
  });

  it('names a read that lost its first or last characters, and nothing else', () => {
    expect(edgeLoss('7ABC123', 'ABC123')).toBe('leading');
    expect(edgeLoss('7ABC123', 'BC123')).toBe('leading');
    expect(edgeLoss('7ABC123', '7ABC12')).toBe('trailing');
    expect(edgeLoss('7ABC123', '7ABD123')).toBeNull();
    expect(edgeLoss('7ABC123', 'ABD123')).toBeNull();
    expect(edgeLoss('7ABC123', '7ABC123')).toBeNull();
    expect(edgeLoss('7ABC123', '')).toBeNull();
  });
});

describe('the crops counted are the ones the reader cuts', () => {
  // A gradient, so that every crop gives a different network input.
  const image: RgbImage = { width: 300, height: 120, data: new Uint8Array(300 * 120 * 3) };
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7) % 251;
  const size = PLATE_REC.height * PLATE_REC.width;

  /** A session that keeps every input it is given and reads nothing plate-like ("AB"). */
  function recording(inputs: Float32Array[]): InferenceSession {
    const classes = PLATE_REC.alphabet.length + 1;
    return {
      inputNames: ['image'],
      outputNames: ['chars', 'state'],
      run: async (feeds: Record<string, { data: Float32Array; dims: readonly number[] }>) => {
        const batch = feeds.image!.dims[0]!;
        for (let b = 0; b < batch; b++) inputs.push(feeds.image!.data.slice(b * size, (b + 1) * size));
        const chars = new Float32Array(batch * 32 * classes);
        for (let b = 0; b < batch; b++)
          for (let t = 0; t < 32; t++) {
            const c = t === 3 ? 11 : t === 5 ? 12 : 0;
            chars[(b * 32 + t) * classes + c] = 1;
          }
        return { chars: { data: chars }, state: { data: new Float32Array(batch * PLATE_REC.states.length) } };
      },
    } as unknown as InferenceSession;
  }

  it.each([
    ['a plate box alone', { box: { x: 40, y: 30, w: 180, h: 50 }, score: 0.9 }],
    [
      'a character line inside its plate box',
      { box: { x: 60, y: 40, w: 140, h: 30 }, score: 0.9, alt: { x: 40, y: 30, w: 180, h: 50 } },
    ],
  ])('for %s', async (_what, detection) => {
    const inputs: Float32Array[] = [];
    await new PlateRecReader('t', recording(inputs)).read(image, detection);
    const crops = readerCrops(detection, image.width, image.height, defaultPlateRecOptions);
    expect(inputs).toHaveLength(crops.length);
    expect(inputs).toEqual(crops.map((c) => greyInput(image, c)));
  });
});
