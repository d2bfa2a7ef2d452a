import type { Box } from './image.js';

/** DB (differentiable binarisation) post-processing settings, PaddleOCR's names. */
export interface DbOptions {
  /** Pixels above this probability are text. */
  threshold: number;
  /** A component whose mean probability is below this is dropped. */
  boxThreshold: number;
  /** Grow factor: each side moves out by area × ratio / perimeter (the DB "unclip"). */
  unclipRatio: number;
  /** Components smaller than this (short side, map pixels) are noise. */
  minSize: number;
  maxCandidates: number;
}

export const defaultDbOptions: DbOptions = {
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.3,
  minSize: 3,
  maxCandidates: 300,
};

export interface ScoredBox extends Box {
  score: number;
}

/**
 * Text boxes from a probability map (width × height, row-major): threshold, 4-connected
 * components, mean probability as the score, then the unclip that undoes DB's shrunk training
 * targets. Boxes are axis-aligned in map pixels (plates in road scenes are near level, and an
 * axis-aligned crop is what the reader wants). The map may be larger than the content
 * (`validW`/`validH`: the padded part is ignored).
 */
export function extractBoxes(
  map: Float32Array,
  width: number,
  height: number,
  opts: DbOptions = defaultDbOptions,
  validW = width,
  validH = height,
): ScoredBox[] {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const out: ScoredBox[] = [];
  let next = 0;
  for (let y0 = 0; y0 < validH; y0++) {
    for (let x0 = 0; x0 < validW; x0++) {
      const start = y0 * width + x0;
      if (labels[start] !== 0 || map[start]! <= opts.threshold) continue;
      next++;
      let sp = 0;
      stack[sp++] = start;
      labels[start] = next;
      let minX = x0,
        maxX = x0,
        minY = y0,
        maxY = y0,
        count = 0,
        sum = 0;
      while (sp > 0) {
        const i = stack[--sp]!;
        const x = i % width;
        const y = (i - x) / width;
        count++;
        sum += map[i]!;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        if (x > 0 && labels[i - 1] === 0 && map[i - 1]! > opts.threshold) {
          labels[i - 1] = next;
          stack[sp++] = i - 1;
        }
        if (x + 1 < validW && labels[i + 1] === 0 && map[i + 1]! > opts.threshold) {
          labels[i + 1] = next;
          stack[sp++] = i + 1;
        }
        if (y > 0 && labels[i - width] === 0 && map[i - width]! > opts.threshold) {
          labels[i - width] = next;
          stack[sp++] = i - width;
        }
        if (y + 1 < validH && labels[i + width] === 0 && map[i + width]! > opts.threshold) {
          labels[i + width] = next;
          stack[sp++] = i + width;
        }
      }
      const w = maxX - minX + 1;
      const h = maxY - minY + 1;
      if (Math.min(w, h) < opts.minSize) continue;
      const score = sum / count;
      if (score < opts.boxThreshold) continue;
      const d = (w * h * opts.unclipRatio) / (2 * (w + h));
      const x = Math.max(0, minX - d);
      const y = Math.max(0, minY - d);
      out.push({ x, y, w: Math.min(validW, maxX + 1 + d) - x, h: Math.min(validH, maxY + 1 + d) - y, score });
    }
  }
  out.sort((a, b) => b.score - a.score);
  return out.slice(0, opts.maxCandidates);
}
