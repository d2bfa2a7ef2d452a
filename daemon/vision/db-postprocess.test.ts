import { extractBoxes, defaultDbOptions } from './db-postprocess.js';
import { mergeLineBoxes, plateShaped } from './plate-geometry.js';

function mapWith(
  width: number,
  height: number,
  rects: { x: number; y: number; w: number; h: number; p: number }[],
): Float32Array {
  const m = new Float32Array(width * height).fill(0.02);
  for (const r of rects)
    for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) m[y * width + x] = r.p;
  return m;
}

describe('DB box extraction', () => {
  it('finds each confident component, grows it by the unclip distance and drops weak ones and specks', () => {
    const map = mapWith(200, 100, [
      { x: 10, y: 10, w: 60, h: 20, p: 0.9 },
      { x: 100, y: 60, w: 40, h: 10, p: 0.8 },
      { x: 150, y: 10, w: 30, h: 30, p: 0.4 }, // above the pixel threshold, below the box threshold
      { x: 5, y: 80, w: 2, h: 2, p: 0.95 }, // a speck
    ]);
    const boxes = extractBoxes(map, 200, 100, { ...defaultDbOptions, unclipRatio: 1.5 });
    expect(boxes).toHaveLength(2);
    const [a, b] = [...boxes].sort((p, q) => p.x - q.x);
    // d = area * ratio / perimeter = 60*20*1.5 / 160 = 11.25
    expect(a!.x).toBeCloseTo(0); // clamped at the edge
    expect(a!.y).toBeCloseTo(0);
    expect(a!.x + a!.w).toBeCloseTo(70 + 11.25);
    expect(a!.score).toBeCloseTo(0.9);
    // d = 40*10*1.5 / 100 = 6
    expect(b!.x).toBeCloseTo(94);
    expect(b!.h).toBeCloseTo(22);
  });

  it('ignores the padded part of the map', () => {
    const map = mapWith(64, 32, [{ x: 50, y: 5, w: 10, h: 10, p: 0.9 }]);
    expect(extractBoxes(map, 64, 32, defaultDbOptions, 40, 32)).toHaveLength(0);
  });
});

describe('plate line geometry', () => {
  it('merges the groups of one plate line but not a line above it', () => {
    const merged = mergeLineBoxes([
      { box: { x: 100, y: 100, w: 60, h: 30 }, score: 0.9 },
      { box: { x: 170, y: 102, w: 80, h: 30 }, score: 0.8 },
      { box: { x: 120, y: 70, w: 100, h: 14 }, score: 0.9 },
    ]);
    expect(merged).toHaveLength(2);
    const line = merged.find((d) => d.box.h >= 30)!;
    expect(line.box).toEqual({ x: 100, y: 100, w: 150, h: 32 });
  });

  it('keeps wide text lines and drops tall or tiny boxes', () => {
    expect(plateShaped({ x: 0, y: 0, w: 120, h: 30 })).toBe(true);
    expect(plateShaped({ x: 0, y: 0, w: 30, h: 60 })).toBe(false);
    expect(plateShaped({ x: 0, y: 0, w: 20, h: 5 })).toBe(false);
  });
});
