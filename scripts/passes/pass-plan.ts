/**
 * How a still photo becomes a short pass, as a camera on a pole sees a car approach: per frame
 * a window into the photo (16:9, never past its edges, so no pixel is invented) that narrows as
 * the car comes closer, drifts the plate down and sideways through the frame and shakes a little;
 * motion blur along the plate's motion between frames; sensor noise; a JPEG quality. Pure:
 * the same photo, plate box and seed always give the same plan.
 */
import type { Box } from '../../daemon/vision/image.js';

export interface Size {
  width: number;
  height: number;
}

export interface FramePlan {
  /** The photo region drawn into the whole output frame (whole pixels, inside the photo). */
  window: Box;
  /** Where the plate lands in the output frame. */
  plate: Box;
  /** Motion blur: length in output pixels (1 = none) along `angle` (radians, image axes). */
  blur: { length: number; angle: number };
  /** Standard deviation of the sensor noise, in 8-bit levels. */
  noiseSigma: number;
  jpegQuality: number;
}

export interface PassPlanOptions {
  frames: number;
  out: Size;
  seed: number;
}

/** A small seeded generator (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The plate may fill at most this share of the window's width in the closest frame. */
const MAX_PLATE_SHARE = 0.35;
/** Camera shake: the window moves by up to this share of its width per frame. */
const SHAKE = 0.008;
/** Longest motion blur drawn, in output pixels. */
const MAX_BLUR = 9;

export function planPass(photo: Size, plate: Box, o: PassPlanOptions): FramePlan[] {
  const rnd = seededRandom(o.seed);
  const aspect = o.out.width / o.out.height;
  const w0 = Math.min(photo.width, photo.height * aspect);
  // The car comes from about 1.4–1.9 times as far as in the photo's widest window to as near
  // as the photo shows it: window width falls linearly with distance, the plate grows as 1/distance.
  const zoom = Math.max(1, Math.min(1.4 + 0.5 * rnd(), (MAX_PLATE_SHARE * w0) / plate.w));
  // Where the plate sits in the frame (shares of the window from its centre): from upper to
  // lower, drifting sideways.
  const x0 = (rnd() - 0.5) * 0.3;
  const x1 = x0 + (rnd() - 0.5) * 0.2;
  const y0 = -0.12 + rnd() * 0.08;
  const y1 = 0.1 + rnd() * 0.08;
  // Share of a frame interval the shutter is open (blur length over the plate's motion).
  const exposure = 0.1 + 0.1 * rnd();
  const noiseSigma = 2 + 4 * rnd();
  const pcx = plate.x + plate.w / 2;
  const pcy = plate.y + plate.h / 2;
  const frames: Omit<FramePlan, 'blur'>[] = [];
  for (let k = 0; k < o.frames; k++) {
    const t = o.frames === 1 ? 1 : k / (o.frames - 1);
    const w = Math.round(w0 * (1 - (1 - 1 / zoom) * t));
    const h = Math.round(w / aspect);
    const cx = pcx - (x0 + (x1 - x0) * t) * w + (rnd() - 0.5) * 2 * SHAKE * w;
    const cy = pcy - (y0 + (y1 - y0) * t) * h + (rnd() - 0.5) * 2 * SHAKE * w;
    const x = Math.round(Math.max(0, Math.min(photo.width - w, cx - w / 2)));
    const y = Math.round(Math.max(0, Math.min(photo.height - h, cy - h / 2)));
    const s = o.out.width / w;
    frames.push({
      window: { x, y, w, h },
      plate: {
        x: (plate.x - x) * s,
        y: (plate.y - y) * (o.out.height / h),
        w: plate.w * s,
        h: plate.h * (o.out.height / h),
      },
      noiseSigma,
      jpegQuality: 70 + Math.round(20 * rnd()),
    });
  }
  return frames.map((f, k) => {
    const a = frames[Math.max(0, k - 1)]!.plate;
    const b = frames[Math.max(1, k)]?.plate ?? a;
    const dx = b.x + b.w / 2 - (a.x + a.w / 2);
    const dy = b.y + b.h / 2 - (a.y + a.h / 2);
    const length = Math.max(1, Math.min(MAX_BLUR, Math.round(Math.hypot(dx, dy) * exposure)));
    return { ...f, blur: { length, angle: Math.atan2(dy, dx) } };
  });
}
