/** An axis-aligned box in pixel coordinates of the image it was found in. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Packed 8-bit RGB, row-major, no padding: what ffmpeg's `-pix_fmt rgb24` writes. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}
