import type { Box } from './image.js';

/** How coarse candidates become full-resolution detection windows. */
export interface WindowOptions {
  /** Margin on the left and right of a candidate, in candidate heights. */
  padX: number;
  /** Margin above and below a candidate, in candidate heights. */
  padY: number;
  /** A window is at least this big (frame pixels): a coarse box may be one character group. */
  minW: number;
  minH: number;
  /** Most windows per frame, best candidates first (bounds the fine pass's cost). */
  maxWindows: number;
}

/** A candidate region from the coarse pass, in frame pixels, with a priority (higher first). */
export interface Candidate {
  box: Box;
  priority: number;
}

/**
 * Windows around coarse text candidates, in frame pixels: each candidate grown by margins in
 * its own height (a plate's full line, and the groups the coarse pass saw as one blob), raised
 * to a minimum size, clamped to the frame. Overlapping windows are joined (a plate detected
 * twice must not cost two runs nor be cut at a window edge). Candidates are taken best first
 * until `maxWindows` windows exist; a candidate that falls inside an existing window is free.
 */
export function candidateWindows(cands: Candidate[], frameW: number, frameH: number, opts: WindowOptions): Box[] {
  const order = [...cands].sort((a, b) => b.priority - a.priority);
  let windows: Box[] = [];
  for (const c of order) {
    const w = grow(c.box, frameW, frameH, opts);
    const joined = joinOverlapping([...windows, w]);
    if (joined.length > opts.maxWindows) continue;
    windows = joined;
  }
  return windows;
}

/** A candidate box grown by its margins and minimum size, clamped to the frame. */
export function grow(
  b: Box,
  frameW: number,
  frameH: number,
  opts: Pick<WindowOptions, 'padX' | 'padY' | 'minW' | 'minH'>,
): Box {
  const w = Math.max(opts.minW, b.w + 2 * opts.padX * b.h);
  const h = Math.max(opts.minH, b.h + 2 * opts.padY * b.h);
  const cx = b.x + b.w / 2,
    cy = b.y + b.h / 2;
  return clampToFrame({ x: cx - w / 2, y: cy - h / 2, w, h }, frameW, frameH);
}

/** Joins every pair of overlapping boxes into their bounding box, until none overlap. */
export function joinOverlapping(boxes: Box[]): Box[] {
  const out = boxes.map((b) => ({ ...b }));
  let joined = true;
  while (joined) {
    joined = false;
    for (let i = 0; i < out.length && !joined; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i]!,
          b = out[j]!;
        if (!(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)) continue;
        const x = Math.min(a.x, b.x),
          y = Math.min(a.y, b.y);
        out[i] = { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
        out.splice(j, 1);
        joined = true; // the grown box may now overlap one already passed: scan again
        break;
      }
    }
  }
  return out;
}

/** Keeps a box inside the frame, moving it before shrinking it (a window at the edge keeps its size). */
export function clampToFrame(b: Box, frameW: number, frameH: number): Box {
  const w = Math.min(frameW, b.w),
    h = Math.min(frameH, b.h);
  const x = Math.max(0, Math.min(frameW - w, b.x));
  const y = Math.max(0, Math.min(frameH - h, b.y));
  return { x, y, w, h };
}

/**
 * The input size for detecting a window at `scale` (fine pixels per frame pixel): the drawn
 * size, and the tensor size rounded up to PP-OCR's multiple of 32. When the window would exceed
 * `maxPixels` the scale drops for that window only: big text does not need full resolution.
 */
export function windowInput(
  win: Box,
  scale: number,
  maxPixels: number,
): { scale: number; drawW: number; drawH: number; inW: number; inH: number } {
  const s = Math.min(scale, Math.sqrt(maxPixels / Math.max(1, win.w * win.h)));
  const drawW = Math.max(1, Math.round(win.w * s));
  const drawH = Math.max(1, Math.round(win.h * s));
  return {
    scale: s,
    drawW,
    drawH,
    inW: Math.max(32, Math.ceil(drawW / 32) * 32),
    inH: Math.max(32, Math.ceil(drawH / 32) * 32),
  };
}

/**
 * The fine (full-resolution window) lines, plus the coarse whole-frame lines that no fine line
 * covers. Joining both as one set would merge a plate's two boxes into a looser union, and a
 * loose crop reads worse (us-dev top-1 with the PP-OCR reader fell 71 -> 62 % that way).
 */
export function preferFine<T extends { box: Box }>(fine: T[], coarse: T[], minOverlap = 0.3): T[] {
  const covered = (c: Box) =>
    fine.some(({ box: f }) => {
      const ix = Math.min(c.x + c.w, f.x + f.w) - Math.max(c.x, f.x);
      const iy = Math.min(c.y + c.h, f.y + f.h) - Math.max(c.y, f.y);
      return ix > 0 && iy > 0 && ix * iy >= minOverlap * Math.min(c.w * c.h, f.w * f.h);
    });
  return [...fine, ...coarse.filter((c) => !covered(c.box))];
}
