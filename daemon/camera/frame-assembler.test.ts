import { FrameAssembler } from './frame-assembler.js';

describe('FrameAssembler', () => {
  test('cuts a stream split at arbitrary points into exact frames, in order', () => {
    const a = new FrameAssembler(5);
    const out: number[][] = [];
    const bytes = Uint8Array.from({ length: 17 }, (_, i) => i);
    let completed = 0;
    for (const [s, e] of [
      [0, 3],
      [3, 4],
      [4, 12],
      [12, 17],
    ] as const)
      completed += a.push(bytes.subarray(s, e), (f) => out.push([...f]));
    expect(completed).toBe(3);
    expect(out).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14],
    ]);
    expect(a.pending).toBe(2);
  });

  test('gives every frame its own buffer so a consumer may keep it', () => {
    const a = new FrameAssembler(2);
    const out: Buffer[] = [];
    a.push(Uint8Array.from([1, 2, 3, 4]), (f) => out.push(f));
    expect(out[0]).not.toBe(out[1]);
    expect([...out[0]!]).toEqual([1, 2]);
  });

  test('refuses a frame size that is not a positive integer', () => {
    expect(() => new FrameAssembler(0)).toThrow(/positive integer/);
  });
});
