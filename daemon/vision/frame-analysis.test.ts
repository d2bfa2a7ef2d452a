import type { RgbImage } from './image.js';
import type { Detection, PlateDetector, PlateReader, PlateText } from './ports.js';
import { SURE_READ, analyzeFrame, detectPlates, sureRead } from './frame-analysis.js';

describe('detection in a region of interest', () => {
  it("moves both a detection's box and its alt box into frame pixels", async () => {
    const frame: RgbImage = { width: 400, height: 200, data: new Uint8Array(400 * 200 * 3) };
    const detector: PlateDetector = {
      name: 'fake',
      detect: async () => [
        { box: { x: 10, y: 5, w: 40, h: 10 }, score: 0.9, alt: { x: 5, y: 0, w: 50, h: 25 } },
        { box: { x: 0, y: 0, w: 8, h: 4 }, score: 0.5 },
      ],
    };
    const { detections } = await detectPlates(detector, frame, { x: 100, y: 50, w: 200, h: 100 });
    expect(detections).toEqual([
      { box: { x: 110, y: 55, w: 40, h: 10 }, score: 0.9, alt: { x: 105, y: 50, w: 50, h: 25 } },
      { box: { x: 100, y: 50, w: 8, h: 4 }, score: 0.5 },
    ]);
  });
});

describe('a closer look when no read in the frame is sure', () => {
  const frame: RgbImage = { width: 400, height: 200, data: new Uint8Array(400 * 200 * 3) };
  const stamp = { box: { x: 4, y: 4, w: 60, h: 12 }, score: 0.6 };
  const far = { box: { x: 300, y: 150, w: 30, h: 10 }, score: 0.8 };
  /** Reads each box as the text given for its x; the far plate surely, the rest at `unsure`. */
  const reader = (unsure: number): PlateReader => ({
    name: 'fake',
    read: async (_img, d): Promise<PlateText> => {
      const text = d.box.x === 4 ? '20140' : d.box.x === 300 ? 'ABC123' : 'XYZ789';
      const confidence = d.box.x === 300 ? 0.9 : unsure;
      return { text, confidence, chars: [], alternatives: [], state: null, box: d.box };
    },
  });
  const detector = (first: Detection[], closer: Detection[], asked: Detection[][]): PlateDetector => ({
    name: 'fake',
    detect: async () => first,
    lookCloser: async (_img, seen) => {
      asked.push(seen);
      return closer;
    },
  });

  it('reads what the closer look finds beside the unsure reads, and counts its time', async () => {
    const asked: Detection[][] = [];
    const r = await analyzeFrame(detector([stamp], [far], asked), reader(SURE_READ.confidence - 0.1), frame);
    expect(asked).toEqual([[stamp]]);
    expect(r.plates.map((p) => p.text)).toEqual(['ABC123', '20140']);
  });

  it('does not look again when a read is sure, or came from a detection the detector is sure of', async () => {
    const asked: Detection[][] = [];
    expect(
      (await analyzeFrame(detector([stamp], [far], asked), reader(SURE_READ.confidence), frame)).plates.map(
        (p) => p.text,
      ),
    ).toEqual(['20140']);
    const surePlate = { box: { x: 100, y: 80, w: 90, h: 30 }, score: SURE_READ.detectionScore };
    await analyzeFrame(detector([surePlate], [far], asked), reader(0.1), frame);
    expect(asked).toEqual([]);
  });

  it('follows the configured min_confidence: a frame whose reads the pipeline would all drop gets the closer look', async () => {
    const asked: Detection[][] = [];
    // 0.6 passes the default 0.5, so no closer look; a unit configured at 0.8 would drop the read, so it looks again.
    expect((await analyzeFrame(detector([stamp], [far], asked), reader(0.6), frame)).plates.map((p) => p.text)).toEqual(
      ['20140'],
    );
    expect(asked).toEqual([]);
    const strict = await analyzeFrame(detector([stamp], [far], asked), reader(0.6), frame, undefined, sureRead(0.8));
    expect(asked).toEqual([[stamp]]);
    expect(strict.plates.map((p) => p.text)).toEqual(['ABC123', '20140']);
  });

  it("in a region of interest, hands the first pass's boxes over in region pixels and moves what it finds back", async () => {
    const asked: Detection[][] = [];
    const inRoi = { box: { x: 10, y: 5, w: 20, h: 10 }, score: 0.5 };
    const r = await analyzeFrame(
      detector([inRoi], [{ box: { x: 200, y: 100, w: 30, h: 10 }, score: 0.8 }], asked),
      reader(0.1),
      frame,
      { x: 100, y: 50, w: 250, h: 140 },
    );
    expect(asked[0]![0]!.box).toEqual({ x: 10, y: 5, w: 20, h: 10 });
    expect(r.plates.map((p) => [p.text, p.box])).toEqual([
      ['ABC123', { x: 300, y: 150, w: 30, h: 10 }],
      ['XYZ789', { x: 110, y: 55, w: 20, h: 10 }],
    ]);
  });
});
