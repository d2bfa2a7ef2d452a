import type { RgbImage } from './image.js';
import { defaultEdgePrefilter, edgeRegions, integralGradient, shrinkGrey } from './edge-prefilter.js';

function grey(width: number, height: number, v: (x: number, y: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.fill(v(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, data };
}

describe('edge pre-filter', () => {
  it('shrinks to grey by block averages', () => {
    const g = shrinkGrey(
      grey(4, 2, (x) => (x < 2 ? 100 : 200)),
      2,
    );
    expect(g.w).toBe(2);
    expect(g.h).toBe(1);
    expect(Array.from(g.data)).toEqual([100, 200]);
  });

  it('integrates the clipped horizontal gradient', () => {
    const g = { w: 4, h: 1, data: Float32Array.from([0, 0, 100, 100]) };
    const ii = integralGradient(g, 64);
    // gradients at x=1: |100-0| clipped to 64, x=2: |100-0| clipped; borders are 0
    expect(ii[1 * 5 + 4]).toBe(128);
  });

  it('ranks a band of vertical strokes (a plate) above a smooth scene and above uniform texture', () => {
    // 320x180 scene: left third is fine isotropic texture (foliage), a plate-like stroke band
    // of 40x10 px at (200, 120), everything else flat.
    const img = grey(320, 180, (x, y) => {
      if (x < 100) return (x * 7 + y * 13) % 3 === 0 ? 200 : 60;
      if (x >= 200 && x < 240 && y >= 120 && y < 130) return x % 8 < 4 ? 20 : 230;
      return 128;
    });
    const regions = edgeRegions(img, { ...defaultEdgePrefilter, maxRegions: 2 });
    const b = regions[0]!.box;
    expect(b.x + b.w / 2).toBeGreaterThan(195);
    expect(b.x + b.w / 2).toBeLessThan(245);
    expect(b.y + b.h / 2).toBeGreaterThan(110);
    expect(b.y + b.h / 2).toBeLessThan(140);
  });

  it('returns no region for a flat frame, and never more than asked', () => {
    expect(edgeRegions(grey(200, 100, () => 90))).toEqual([]);
    const noisy = grey(200, 100, (x, y) => ((x * 31 + y * 17) % 7) * 30);
    expect(edgeRegions(noisy, { ...defaultEdgePrefilter, maxRegions: 3 }).length).toBeLessThanOrEqual(3);
  });
});
