/** Draws one planned frame of a pass (pass-plan.ts) from a decoded photo: raw rgb24 at the output size. */
import sharp from 'sharp';
import type { RgbImage } from '../../daemon/vision/image.js';
import type { FramePlan, Size } from './pass-plan.js';
import { seededRandom } from './pass-plan.js';

const NOISE_TABLE_SIZE = 1 << 20;

/**
 * Unit normal noise, drawn once: each frame reads it from a random start with a stride, which is
 * plenty for sensor grain and costs one addition a byte.
 */
function noiseTable(seed: number): Float32Array {
  const rnd = seededRandom(seed);
  const t = new Float32Array(NOISE_TABLE_SIZE);
  for (let i = 0; i < t.length; i++) {
    const u = Math.max(1e-9, rnd());
    t[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  }
  return t;
}

/** A line of `length` pixels along `angle`, on an odd square grid, summing to 1 (sharp's scale). */
export function blurKernel(length: number, angle: number): { width: number; height: number; kernel: number[] } {
  const n = length % 2 === 1 ? length : length + 1;
  const kernel = new Array<number>(n * n).fill(0);
  const c = (n - 1) / 2;
  const steps = length * 4;
  for (let s = 0; s <= steps; s++) {
    const d = (s / steps - 0.5) * (length - 1);
    const x = Math.round(c + d * Math.cos(angle));
    const y = Math.round(c + d * Math.sin(angle));
    kernel[y * n + x]! += 1;
  }
  return { width: n, height: n, kernel };
}

export class FrameRenderer {
  private readonly noise: Float32Array;
  private readonly rnd: () => number;

  constructor(
    private readonly out: Size,
    seed: number,
  ) {
    this.noise = noiseTable(seed);
    this.rnd = seededRandom(seed ^ 0x5bd1e995);
  }

  async render(photo: RgbImage, f: FramePlan): Promise<Buffer> {
    const raw = { raw: { width: photo.width, height: photo.height, channels: 3 as const } };
    let frame = await sharp(photo.data, raw)
      .extract({ left: f.window.x, top: f.window.y, width: f.window.w, height: f.window.h })
      .resize(this.out.width, this.out.height, { fit: 'fill' })
      .raw()
      .toBuffer();
    const outRaw = { raw: { width: this.out.width, height: this.out.height, channels: 3 as const } };
    if (f.blur.length > 1) {
      const k = blurKernel(f.blur.length, f.blur.angle);
      frame = await sharp(frame, outRaw)
        .convolve({ ...k, scale: k.kernel.reduce((a, b) => a + b, 0) })
        .raw()
        .toBuffer();
    }
    const mask = NOISE_TABLE_SIZE - 1;
    const start = Math.floor(this.rnd() * NOISE_TABLE_SIZE);
    const stride = 2 * Math.floor(this.rnd() * 1000) + 7919;
    for (let i = 0, j = start; i < frame.length; i++, j = (j + stride) & mask) {
      const v = frame[i]! + this.noise[j]! * f.noiseSigma;
      frame[i] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
    }
    const jpeg = await sharp(frame, outRaw).jpeg({ quality: f.jpegQuality }).toBuffer();
    return sharp(jpeg).removeAlpha().raw().toBuffer();
  }
}
