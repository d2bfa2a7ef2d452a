import type { RgbImage } from './image.js';
import type { Detection, PlateDetector } from './ports.js';
import { PlateThenTextDetector, defaultPlateThenTextOptions, searchRegion } from './plate-text-detector.js';

const frame: RgbImage = { width: 400, height: 200, data: new Uint8Array(400 * 200 * 3) };
const fixed = (dets: Detection[], seen: RgbImage[] = []): PlateDetector => ({
  name: 'fake',
  detect: async (img) => {
    seen.push(img);
    return dets;
  },
});

describe('plate boxes refined by text lines (plate-det-v1-text)', () => {
  it('searches a region grown around the plate box, clamped to the frame', () => {
    expect(searchRegion({ x: 100, y: 50, w: 100, h: 50 }, 400, 200, { padX: 0.15, padY: 0.3 })).toEqual({
      x: 85,
      y: 35,
      w: 130,
      h: 80,
    });
    const r = searchRegion({ x: 0, y: 180, w: 100, h: 50 }, 400, 200, { padX: 0.15, padY: 0.3 });
    expect([r.x, r.y, r.h]).toEqual([0, 165, 35]);
    expect(r.w).toBeCloseTo(115, 9);
  });

  it("hands on the tallest wide line found near each plate, in frame pixels, with the plate's score and box", async () => {
    const seen: RgbImage[] = [];
    const plates = fixed([{ box: { x: 100, y: 50, w: 100, h: 50 }, score: 0.8 }]);
    // In region coordinates (the region starts at 85, 35): the characters, and a narrow sticker that is taller.
    const text = fixed(
      [
        { box: { x: 20, y: 25, w: 90, h: 20 }, score: 0.9 },
        { box: { x: 5, y: 10, w: 10, h: 30 }, score: 0.9 },
      ],
      seen,
    );
    const out = await new PlateThenTextDetector('t', plates, text).detect(frame);
    expect(out).toEqual([{ box: { x: 105, y: 60, w: 90, h: 20 }, score: 0.8, alt: { x: 100, y: 50, w: 100, h: 50 } }]);
    expect(seen[0]).toMatchObject({ width: 130, height: 80 });
  });

  it('keeps the plate box when no wide line is found, and refines at most maxPlates boxes', async () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ box: { x: i * 60, y: 10, w: 50, h: 25 }, score: 1 - i / 10 }));
    const out = await new PlateThenTextDetector('t', fixed(many), fixed([]), {
      ...defaultPlateThenTextOptions,
      maxPlates: 4,
    }).detect(frame);
    expect(out).toEqual(many.slice(0, 4));
  });

  it('drops boxes narrower than minWidth (20 px: too narrow for the reader) before refining, so they take no refining and no maxPlates slot', async () => {
    const seen: RgbImage[] = [];
    const speck = { box: { x: 10, y: 10, w: 12, h: 6 }, score: 0.99 };
    const plate = { box: { x: 100, y: 50, w: 100, h: 50 }, score: 0.8 };
    const out = await new PlateThenTextDetector('t', fixed([speck, plate]), fixed([], seen), {
      ...defaultPlateThenTextOptions,
      maxPlates: 1,
    }).detect(frame);
    expect(out).toEqual([plate]);
    expect(seen).toHaveLength(1);
  });

  describe('a second look at small plates', () => {
    const wide: RgbImage = { width: 1000, height: 500, data: new Uint8Array(1000 * 500 * 3) };
    // A plate box cut at a shadow: the zoom detector, run on the region around it, finds the whole plate.
    const cut = { box: { x: 500, y: 200, w: 40, h: 30 }, score: 0.9 };

    it("replaces a small plate box by the zoom's box that overlaps it, found in a region 3 box widths wide", async () => {
      const seen: RgbImage[] = [];
      // In zoom-region coordinates (the region starts at 460, 155): another plate far off, then the whole plate.
      const zoom = fixed(
        [
          { box: { x: 0, y: 0, w: 20, h: 10 }, score: 0.99 },
          { box: { x: 30, y: 40, w: 70, h: 35 }, score: 0.8 },
        ],
        seen,
      );
      const out = await new PlateThenTextDetector(
        't',
        fixed([cut]),
        fixed([]),
        defaultPlateThenTextOptions,
        zoom,
      ).detect(wide);
      expect(out).toEqual([{ box: { x: 490, y: 195, w: 70, h: 35 }, score: 0.9 }]);
      expect(seen[0]).toMatchObject({ width: 120, height: 120 });
    });

    it('keeps the first box when the zoom finds nothing over it, and does not look again at large plates', async () => {
      const seen: RgbImage[] = [];
      const elsewhere = fixed([{ box: { x: 0, y: 0, w: 20, h: 10 }, score: 0.99 }], seen);
      expect(
        await new PlateThenTextDetector('t', fixed([cut]), fixed([]), defaultPlateThenTextOptions, elsewhere).detect(
          wide,
        ),
      ).toEqual([cut]);
      // 13 % of the frame's 1000-px long side is 130 px: a 200-px plate was seen large enough the first time.
      const large = { box: { x: 300, y: 200, w: 200, h: 100 }, score: 0.9 };
      expect(
        await new PlateThenTextDetector('t', fixed([large]), fixed([]), defaultPlateThenTextOptions, elsewhere).detect(
          wide,
        ),
      ).toEqual([large]);
      expect(seen).toHaveLength(1);
    });
  });
  describe('a closer look at a frame where nothing was read (lookCloser)', () => {
    const first = { box: { x: 100, y: 50, w: 100, h: 50 }, score: 0.6 };

    it("refines the closer pass's plates that the first pass had not found (same plate: IoU 0.3 or more with a first box or its alt)", async () => {
      const seen: RgbImage[] = [];
      const again = { box: { x: 104, y: 52, w: 96, h: 48 }, score: 0.9 };
      const fresh = { box: { x: 300, y: 120, w: 60, h: 30 }, score: 0.7 };
      const onLine = { box: { x: 120, y: 60, w: 60, h: 15 }, score: 0.6, alt: first.box };
      const detector = new PlateThenTextDetector(
        't',
        fixed([first]),
        fixed([]),
        defaultPlateThenTextOptions,
        undefined,
        fixed([again, fresh], seen),
      );
      expect(await detector.lookCloser(frame, [first])).toEqual([fresh]);
      expect(await detector.lookCloser(frame, [onLine])).toEqual([fresh]);
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBe(frame);
    });

    it('finds nothing without a closer detector (vision.plate_retry_long_side not above plate_long_side)', async () => {
      expect(await new PlateThenTextDetector('t', fixed([first]), fixed([])).lookCloser(frame, [])).toEqual([]);
    });
  });
});
