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

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
