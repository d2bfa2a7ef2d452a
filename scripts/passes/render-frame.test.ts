import { blurKernel, FrameRenderer } from './render-frame.js';

describe('motion blur kernels', () => {
  it('draws a horizontal line for motion along x, centred, on an odd grid', () => {
    const k = blurKernel(5, 0);
    expect([k.width, k.height]).toEqual([5, 5]);
    const rows = [0, 1, 2, 3, 4].map((y) => k.kernel.slice(y * 5, y * 5 + 5).reduce((a, b) => a + b, 0));
    expect(rows.filter((r) => r > 0)).toHaveLength(1);
    expect(rows[2]).toBeGreaterThan(0);
    expect(k.kernel.slice(10, 15).every((v) => v > 0)).toBe(true);
  });

  it('draws a vertical line for motion along y, and grows an even length to the next odd grid', () => {
    const k = blurKernel(4, Math.PI / 2);
    expect(k.width).toBe(5);
    const column = [0, 1, 2, 3, 4].map((y) => k.kernel[y * 5 + 2]!);
    expect(column.reduce((a, b) => a + b, 0)).toBe(k.kernel.reduce((a, b) => a + b, 0));
  });
});

describe('a rendered frame', () => {
  it('is raw rgb at the output size, from the planned window, with noise but the picture kept', async () => {
    const photo = { width: 200, height: 100, data: new Uint8Array(200 * 100 * 3) };
    // left half dark, right half bright
    for (let y = 0; y < 100; y++)
      for (let x = 0; x < 200; x++) photo.data.fill(x < 100 ? 40 : 210, (y * 200 + x) * 3, (y * 200 + x) * 3 + 3);
    const out = { width: 160, height: 90 };
    const frame = await new FrameRenderer(out, 1).render(photo, {
      window: { x: 0, y: 0, w: 160, h: 90 },
      plate: { x: 0, y: 0, w: 10, h: 5 },
      blur: { length: 3, angle: 0 },
      noiseSigma: 4,
      jpegQuality: 80,
    });
    expect(frame.length).toBe(160 * 90 * 3);
    const at = (x: number, y: number) => frame[(y * 160 + x) * 3]!;
    expect(Math.abs(at(20, 45) - 40)).toBeLessThan(20);
    expect(Math.abs(at(150, 45) - 210)).toBeLessThan(20);
    // noise: a flat area is no longer perfectly flat
    const flat = Array.from({ length: 40 }, (_, i) => at(10 + i, 20));
    expect(new Set(flat).size).toBeGreaterThan(1);
  });
});
