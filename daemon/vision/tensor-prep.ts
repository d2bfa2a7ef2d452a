import type { Box, RgbImage } from './image.js';

/** PP-OCRv4 detection's input normalisation (ImageNet mean and std, per channel). */
export const PPOCR_DET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const PPOCR_DET_STD: [number, number, number] = [0.229, 0.224, 0.225];

/**
 * Bilinear sample of a region of an RGB frame into a planar float tensor (C=3, BGR order, as
 * PaddleOCR's models were trained on OpenCV's BGR frames), normalised per channel as
 * (v/255 - mean) / std. The tensor is `outW` × `outH`; the sampled area is the region scaled to
 * `drawW` × `drawH` at its top-left, the rest stays `pad`. Plain loops: no native resize is
 * needed and the result is identical on every machine.
 */
export function sampleToTensor(
  img: RgbImage,
  region: Box,
  outW: number,
  outH: number,
  drawW: number,
  drawH: number,
  mean: [number, number, number],
  std: [number, number, number],
  pad = 0,
  /** A buffer of outW × outH × 3 to fill instead of a new one (see Float32Pool). */
  into?: Float32Array,
): Float32Array {
  const plane = outW * outH;
  const out = (into ?? new Float32Array(plane * 3)).fill(pad);
  const sx = region.w / drawW;
  const sy = region.h / drawH;
  const { width, height, data } = img;
  // Per channel (BGR order) affine: v * a + b.
  const a = [1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2])];
  const b = [-mean[0] / std[0], -mean[1] / std[1], -mean[2] / std[2]];
  const x0s = new Int32Array(drawW);
  const x1s = new Int32Array(drawW);
  const fxs = new Float32Array(drawW);
  for (let x = 0; x < drawW; x++) {
    const fx = Math.min(width - 1, Math.max(0, region.x + (x + 0.5) * sx - 0.5));
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(width - 1, x0s[x]! + 1);
    fxs[x] = fx - x0s[x]!;
  }
  for (let y = 0; y < drawH; y++) {
    const fy = Math.min(height - 1, Math.max(0, region.y + (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    const r0 = y0 * width * 3;
    const r1 = y1 * width * 3;
    const o = y * outW;
    for (let x = 0; x < drawW; x++) {
      const wx = fxs[x]!;
      const i00 = r0 + x0s[x]! * 3,
        i01 = r0 + x1s[x]! * 3,
        i10 = r1 + x0s[x]! * 3,
        i11 = r1 + x1s[x]! * 3;
      const w00 = (1 - wx) * (1 - wy),
        w01 = wx * (1 - wy),
        w10 = (1 - wx) * wy,
        w11 = wx * wy;
      for (let c = 0; c < 3; c++) {
        // Output channel c is BGR: source channel 2 - c.
        const s = 2 - c;
        const v = data[i00 + s]! * w00 + data[i01 + s]! * w01 + data[i10 + s]! * w10 + data[i11 + s]! * w11;
        out[c * plane + o + x] = v * a[c]! + b[c]!;
      }
    }
  }
  return out;
}

/** Clamps a box to the image. */
export function clampBox(b: Box, width: number, height: number): Box {
  const x = Math.max(0, Math.min(width - 1, b.x));
  const y = Math.max(0, Math.min(height - 1, b.y));
  return { x, y, w: Math.max(1, Math.min(width, b.x + b.w) - x), h: Math.max(1, Math.min(height, b.y + b.h) - y) };
}
