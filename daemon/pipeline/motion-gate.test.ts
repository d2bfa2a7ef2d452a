import { MotionGate } from './motion-gate.js';

function frame(fill: (x: number, y: number) => number, width = 320, height = 180) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.fill(fill(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, data };
}

describe('motion gate', () => {
  it('passes the first frame, skips an identical one and passes a frame where a vehicle appears', () => {
    const gate = new MotionGate(0.01);
    const empty = frame(() => 80);
    expect(gate.check(empty)).toBe(true);
    expect(gate.check(frame(() => 80))).toBe(false);
    expect(gate.check(frame((x, y) => (x > 100 && x < 200 && y > 60 && y < 140 ? 220 : 80)))).toBe(true);
  });

  it('ignores sensor noise below the cell threshold', () => {
    const gate = new MotionGate(0.01);
    gate.check(frame(() => 80));
    expect(gate.check(frame((x, y) => 80 + ((x * 7 + y * 13) % 5)))).toBe(false);
  });

  it('passes every frame when the threshold is 0', () => {
    const gate = new MotionGate(0);
    gate.check(frame(() => 80));
    expect(gate.check(frame(() => 80))).toBe(true);
  });
});
