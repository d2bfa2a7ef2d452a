import { candidateWindows, clampToFrame, grow, joinOverlapping, preferFine, windowInput } from './detection-windows.js';

const opts = { padX: 1, padY: 1, minW: 100, minH: 50, maxWindows: 3 };

describe('detection windows around candidates', () => {
  it('grows a candidate by its height on each side and to the minimum size, centred on it', () => {
    expect(grow({ x: 500, y: 300, w: 80, h: 20 }, 1280, 720, opts)).toEqual({ x: 480, y: 280, w: 120, h: 60 });
    expect(grow({ x: 500, y: 300, w: 20, h: 10 }, 1280, 720, opts)).toEqual({ x: 460, y: 280, w: 100, h: 50 });
  });

  it('moves a window at the frame edge inside instead of cutting it, and shrinks it only to the frame', () => {
    expect(clampToFrame({ x: -30, y: 700, w: 100, h: 50 }, 1280, 720)).toEqual({ x: 0, y: 670, w: 100, h: 50 });
    expect(clampToFrame({ x: 10, y: 10, w: 2000, h: 50 }, 1280, 720)).toEqual({ x: 0, y: 10, w: 1280, h: 50 });
  });

  it('joins overlapping windows into one, including chains that only meet through the joined box', () => {
    const joined = joinOverlapping([
      { x: 0, y: 0, w: 10, h: 10 },
      { x: 30, y: 0, w: 10, h: 10 },
      { x: 8, y: 0, w: 24, h: 5 }, // touches both: all three become one
      { x: 100, y: 100, w: 5, h: 5 },
    ]);
    expect(joined).toHaveLength(2);
    expect(joined).toContainEqual({ x: 0, y: 0, w: 40, h: 10 });
    expect(joined).toContainEqual({ x: 100, y: 100, w: 5, h: 5 });
  });

  it('takes candidates best first up to the window limit, and a candidate inside a window costs nothing', () => {
    const wins = candidateWindows(
      [
        { box: { x: 100, y: 100, w: 40, h: 10 }, priority: 5 },
        { box: { x: 110, y: 105, w: 20, h: 5 }, priority: 1 }, // inside the first window
        { box: { x: 600, y: 100, w: 40, h: 10 }, priority: 4 },
        { box: { x: 1000, y: 500, w: 40, h: 10 }, priority: 3 },
        { box: { x: 100, y: 600, w: 40, h: 10 }, priority: 9 },
      ],
      1280,
      720,
      opts,
    );
    expect(wins).toHaveLength(3);
    // The best three candidates got windows; the one inside the first only widened it a little.
    const holds = (x: number, y: number) => wins.some((w) => x >= w.x && x <= w.x + w.w && y >= w.y && y <= w.y + w.h);
    expect(holds(120, 605) && holds(120, 105) && holds(620, 105) && holds(120, 107)).toBe(true);
    expect(holds(1020, 505)).toBe(false);
  });

  it('sizes the network input in multiples of 32 and lowers the scale of a window that would be too big', () => {
    expect(windowInput({ x: 0, y: 0, w: 200, h: 100 }, 0.75, Infinity)).toEqual({
      scale: 0.75,
      drawW: 150,
      drawH: 75,
      inW: 160,
      inH: 96,
    });
    const big = windowInput({ x: 0, y: 0, w: 1000, h: 400 }, 1, 100_000);
    expect(big.scale).toBeCloseTo(0.5);
    expect(big.drawW * big.drawH).toBeLessThanOrEqual(100_000);
  });

  it('keeps every fine line and only the coarse lines that no fine line covers', () => {
    const fine = [{ box: { x: 100, y: 100, w: 80, h: 20 } }];
    const coarse = [
      { box: { x: 95, y: 98, w: 90, h: 26 } }, // the same plate, looser
      { box: { x: 600, y: 300, w: 80, h: 20 } }, // a plate no window saw
      { box: { x: 178, y: 100, w: 60, h: 20 } }, // touches the fine line only at its edge
    ];
    expect(preferFine(fine, coarse).map((d) => d.box.x)).toEqual([100, 600, 178]);
  });
});
