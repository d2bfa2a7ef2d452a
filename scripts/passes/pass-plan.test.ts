import { planPass } from './pass-plan.js';

const out = { width: 1280, height: 720 };

describe('a pass planned from a still photo', () => {
  const photo = { width: 1920, height: 1080 };
  const plate = { x: 900, y: 600, w: 120, h: 60 };
  const plan = planPass(photo, plate, { frames: 12, out, seed: 3 });

  it('keeps every window inside the photo at the output aspect, and the plate inside every frame', () => {
    expect(plan).toHaveLength(12);
    for (const f of plan) {
      expect(f.window.x).toBeGreaterThanOrEqual(0);
      expect(f.window.y).toBeGreaterThanOrEqual(0);
      expect(f.window.x + f.window.w).toBeLessThanOrEqual(photo.width);
      expect(f.window.y + f.window.h).toBeLessThanOrEqual(photo.height);
      expect(f.window.w / f.window.h).toBeCloseTo(16 / 9, 1);
      expect(f.plate.x).toBeGreaterThanOrEqual(0);
      expect(f.plate.x + f.plate.w).toBeLessThanOrEqual(out.width);
      expect(f.plate.y + f.plate.h).toBeLessThanOrEqual(out.height);
    }
  });

  it('grows the plate as the car approaches, from the whole photo to a closer view', () => {
    const widths = plan.map((f) => f.plate.w);
    for (let k = 1; k < widths.length; k++) expect(widths[k]!).toBeGreaterThanOrEqual(widths[k - 1]!);
    expect(plan[0]!.window.w).toBe(1920);
    expect(widths[11]! / widths[0]!).toBeGreaterThan(1.3);
    expect(widths[11]! / out.width).toBeLessThanOrEqual(0.36);
  });

  it('blurs, adds noise and re-encodes within camera-like bounds', () => {
    for (const f of plan) {
      expect(f.blur.length).toBeGreaterThanOrEqual(1);
      expect(f.blur.length).toBeLessThanOrEqual(9);
      expect(f.noiseSigma).toBeGreaterThanOrEqual(2);
      expect(f.noiseSigma).toBeLessThanOrEqual(6);
      expect(f.jpegQuality).toBeGreaterThanOrEqual(70);
      expect(f.jpegQuality).toBeLessThanOrEqual(90);
    }
  });

  it('is the same for the same seed and differs for another', () => {
    expect(planPass(photo, plate, { frames: 12, out, seed: 3 })).toEqual(plan);
    expect(planPass(photo, plate, { frames: 12, out, seed: 4 })).not.toEqual(plan);
  });

  it('does not zoom past the point where the plate fills a third of the frame', () => {
    const big = planPass(photo, { x: 600, y: 500, w: 700, h: 160 }, { frames: 6, out, seed: 1 });
    expect(big.every((f) => f.window.w === 1920)).toBe(true);
  });
});
