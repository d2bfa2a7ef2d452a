import type { RgbImage } from './image.js';
import type { PlateDetector } from './ports.js';
import { detectPlates } from './frame-analysis.js';

describe('detection in a region of interest', () => {
  it('moves both a detection\'s box and its alt box into frame pixels', async () => {
    const frame: RgbImage = { width: 400, height: 200, data: new Uint8Array(400 * 200 * 3) };
    const detector: PlateDetector = {
      name: 'fake',
      detect: async () => [{ box: { x: 10, y: 5, w: 40, h: 10 }, score: 0.9, alt: { x: 5, y: 0, w: 50, h: 25 } }, { box: { x: 0, y: 0, w: 8, h: 4 }, score: 0.5 }],
    };
    const { detections } = await detectPlates(detector, frame, { x: 100, y: 50, w: 200, h: 100 });
    expect(detections).toEqual([
      { box: { x: 110, y: 55, w: 40, h: 10 }, score: 0.9, alt: { x: 105, y: 50, w: 50, h: 25 } },
      { box: { x: 100, y: 50, w: 8, h: 4 }, score: 0.5 },
    ]);
  });
});
