import sharp from 'sharp';
import type { Box, RgbImage } from '../vision/image.js';

/**
 * Cuts the plate (with a margin so a person can see the car around it) out of a frame as a JPEG.
 * The margin is 40 % of the plate height on each side, clipped to the frame.
 */
export async function cropJpeg(frame: RgbImage, box: Box, quality = 85): Promise<{ jpeg: Uint8Array; box: Box }> {
  const m = Math.round(box.h * 0.4);
  const left = clamp(Math.floor(box.x - m), 0, frame.width - 1);
  const top = clamp(Math.floor(box.y - m), 0, frame.height - 1);
  const right = clamp(Math.ceil(box.x + box.w + m), left + 1, frame.width);
  const bottom = clamp(Math.ceil(box.y + box.h + m), top + 1, frame.height);
  const jpeg = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .extract({ left, top, width: right - left, height: bottom - top })
    .jpeg({ quality })
    .toBuffer();
  return { jpeg: new Uint8Array(jpeg), box };
}

/** Copies a region of interest out of a frame (rows are contiguous, so this is one copy per row). */
export function cropRaw(frame: RgbImage, roi: Box): RgbImage {
  const x = clamp(roi.x, 0, frame.width - 1);
  const y = clamp(roi.y, 0, frame.height - 1);
  const w = clamp(roi.w, 1, frame.width - x);
  const h = clamp(roi.h, 1, frame.height - y);
  const out = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) {
    const src = ((y + r) * frame.width + x) * 3;
    out.set(frame.data.subarray(src, src + w * 3), r * w * 3);
  }
  return { width: w, height: h, data: out };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
