import { ModelError } from '../shared/errors.js';
import type { RgbImage } from './image.js';
import type { ModelEntry } from './manifest.js';
import type { Detection, PlateDetector } from './ports.js';
import type { InferenceSession } from './onnx-session.js';
import { OrtTensor, openSession, requireNames } from './onnx-session.js';
import { clampBox, sampleToTensor } from './tensor-prep.js';
import { Float32Pool } from './buffer-pool.js';

/**
 * The project's own plate detector (trained by scripts/train/det/). Must match
 * scripts/train/det/det_model.py and export.py: input `image` [1, 3, H, W], BGR scaled to 0..1 (the
 * network normalises itself), H and W multiples of 32; output `plate` [1, 1, H/4, W/4], the
 * probability that a cell lies on a plate (the whole plate rectangle, as training drew it).
 */
export const PLATE_DET = {
  input: 'image',
  output: 'plate',
  stride: 4,
  multiple: 32,
} as const;

export interface PlateDetOptions {
  /** The frame's long side is scaled to this before the network (training saw frames at 640). */
  longSide: number;
  /** Cells at or above this probability form a component (low, so a plate's box is not cut). */
  lowThreshold: number;
  /** A component is kept only when its peak reaches this. */
  highThreshold: number;
  /** Components smaller than this many cells are noise. */
  minCells: number;
  /** Most detections handed to the reader per frame (bounds the read time). */
  maxDetections: number;
  /**
   * Share of the plate box's width and height handed on, centred: [1, 1] is the whole plate;
   * smaller keeps the band where a US plate's characters are (the reader's crops grow from it).
   */
  keep: [number, number];
}

export const defaultPlateDetOptions: PlateDetOptions = {
  longSide: 640,
  lowThreshold: 0.35,
  highThreshold: 0.5,
  minCells: 2,
  maxDetections: 6,
  keep: [1, 1],
};

/** A probability map and where its cells lie in the frame. */
export interface PlateMap {
  data: Float32Array;
  /** Map size in cells. */
  width: number;
  height: number;
  /** Frame pixels per cell, per axis. */
  cellW: number;
  cellH: number;
  /** Only cells inside this many columns/rows hold the frame (the rest is padding). */
  validW: number;
  validH: number;
}

/**
 * Map → boxes: 8-connected components of cells ≥ lowThreshold whose peak reaches highThreshold,
 * each boxed by its cells' extent in frame pixels (edges moved into the edge cells by their
 * coverage, then narrowed to `keep`), scored by its peak; best first (ties: taller).
 */
export function mapToDetections(
  m: PlateMap,
  frameW: number,
  frameH: number,
  opts: PlateDetOptions = defaultPlateDetOptions,
): Detection[] {
  const { data, width } = m;
  const w = Math.min(m.validW, m.width);
  const h = Math.min(m.validH, m.height);
  const label = new Int32Array(w * h);
  const stack: number[] = [];
  const found: { x0: number; y0: number; x1: number; y1: number; peak: number; cells: number; label: number }[] = [];
  let next = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (label[y * w + x] !== 0 || data[y * width + x]! < opts.lowThreshold) continue;
      next++;
      const c = { x0: x, y0: y, x1: x, y1: y, peak: 0, cells: 0 };
      label[y * w + x] = next;
      stack.push(y * w + x);
      while (stack.length > 0) {
        const i = stack.pop()!;
        const cx = i % w;
        const cy = (i - cx) / w;
        const p = data[cy * width + cx]!;
        c.cells++;
        if (p > c.peak) c.peak = p;
        if (cx < c.x0) c.x0 = cx;
        if (cx > c.x1) c.x1 = cx;
        if (cy < c.y0) c.y0 = cy;
        if (cy > c.y1) c.y1 = cy;
        for (let dy = -1; dy <= 1; dy++) {
          const ny = cy + dy;
          if (ny < 0 || ny >= h) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const nx = cx + dx;
            if (nx < 0 || nx >= w || label[ny * w + nx] !== 0 || data[ny * width + nx]! < opts.lowThreshold) continue;
            label[ny * w + nx] = next;
            stack.push(ny * w + nx);
          }
        }
      }
      if (c.cells >= opts.minCells && c.peak >= opts.highThreshold) found.push({ ...c, label: next });
    }
  }
  // The network was trained on the share of each cell the plate covers, so an edge cell's value
  // says how far into it the plate reaches: edges are placed inside the edge cells accordingly.
  const edgeMax = (c: (typeof found)[number], fixed: number, vertical: boolean) => {
    let best = 0;
    const [from, to] = vertical ? [c.y0, c.y1] : [c.x0, c.x1];
    for (let k = from; k <= to; k++) {
      const [x, y] = vertical ? [fixed, k] : [k, fixed];
      if (label[y * w + x] === c.label) best = Math.max(best, Math.min(1, data[y * width + x]!));
    }
    return best;
  };
  return found
    .map((c) => {
      let x0 = c.x0 + 1 - edgeMax(c, c.x0, true);
      let x1 = c.x1 + edgeMax(c, c.x1, true);
      let y0 = c.y0 + 1 - edgeMax(c, c.y0, false);
      let y1 = c.y1 + edgeMax(c, c.y1, false);
      if (x1 - x0 < 1) [x0, x1] = [c.x0, c.x1 + 1];
      if (y1 - y0 < 1) [y0, y1] = [c.y0, c.y1 + 1];
      const [kx, ky] = opts.keep;
      [x0, x1] = [x0 + ((x1 - x0) * (1 - kx)) / 2, x1 - ((x1 - x0) * (1 - kx)) / 2];
      [y0, y1] = [y0 + ((y1 - y0) * (1 - ky)) / 2, y1 - ((y1 - y0) * (1 - ky)) / 2];
      return {
        box: clampBox(
          { x: x0 * m.cellW, y: y0 * m.cellH, w: (x1 - x0) * m.cellW, h: (y1 - y0) * m.cellH },
          frameW,
          frameH,
        ),
        score: c.peak,
      };
    })
    .sort((a, b) => b.score - a.score || b.box.h - a.box.h)
    .slice(0, opts.maxDetections);
}

/** The network's input size for a frame: the long side scaled to `longSide`, padded to a multiple of 32. */
export function inputGeometry(
  width: number,
  height: number,
  longSide: number,
): { drawW: number; drawH: number; inW: number; inH: number } {
  const scale = longSide / Math.max(width, height);
  const drawW = Math.max(1, Math.round(width * scale));
  const drawH = Math.max(1, Math.round(height * scale));
  return {
    drawW,
    drawH,
    inW: Math.ceil(drawW / PLATE_DET.multiple) * PLATE_DET.multiple,
    inH: Math.ceil(drawH / PLATE_DET.multiple) * PLATE_DET.multiple,
  };
}

/**
 * The network's input for a frame: BGR planar, v/255, the frame scaled to drawW × drawH at the
 * top-left of inW × inH (zero padding). When the frame is an exact whole multiple k of the drawn
 * size (1280×720 → 640×360, 1920×1080 → 640×360), a k×k box average in integer sums — for k = 2
 * the same values as the bilinear sampleToTensor, at a fraction of its cost; otherwise bilinear.
 */
export function frameToInput(
  image: RgbImage,
  drawW: number,
  drawH: number,
  inW: number,
  inH: number,
  into?: Float32Array,
): Float32Array {
  const k = image.width / drawW;
  if (!Number.isInteger(k) || k < 1 || image.height !== drawH * k) {
    return sampleToTensor(
      image,
      { x: 0, y: 0, w: image.width, h: image.height },
      inW,
      inH,
      drawW,
      drawH,
      [0, 0, 0],
      [1, 1, 1],
      0,
      into,
    );
  }
  const plane = inW * inH;
  const out = into ?? new Float32Array(plane * 3);
  const { data, width } = image;
  const row = width * 3;
  const step = 3 * k;
  const inv = 1 / (255 * k * k);
  // Each output pixel sums its k×k source pixels in three scalars (no per-row accumulator array:
  // a third less time at k = 2, measured).
  for (let y = 0; y < drawH; y++) {
    let o = y * inW;
    for (let x = 0, corner = y * k * row; x < drawW; x++, o++, corner += step) {
      let r = 0,
        g = 0,
        b = 0;
      for (let dy = 0, i = corner; dy < k; dy++, i += row) {
        for (let dx = 0, j = i; dx < k; dx++, j += 3) {
          r += data[j]!;
          g += data[j + 1]!;
          b += data[j + 2]!;
        }
      }
      // Output channel 0 is B (source channel 2), as in sampleToTensor.
      out[o] = b * inv;
      out[plane + o] = g * inv;
      out[2 * plane + o] = r * inv;
    }
  }
  return out;
}

/** PlateDetector over the trained plate-map network: one pass over the whole frame at 640 px. */
export class PlateDetDetector implements PlateDetector {
  constructor(
    readonly name: string,
    private readonly session: InferenceSession,
    private readonly opts: PlateDetOptions = defaultPlateDetOptions,
    /** Input buffers, shared with the withOptions() copies (they run the same session). */
    private readonly inputs = new Float32Pool(),
  ) {}

  /** Runs the network on a frame; returns its map (exported for the shape check and benchmarks). */
  async plateMap(image: RgbImage): Promise<PlateMap> {
    const g = inputGeometry(image.width, image.height, this.opts.longSide);
    const input = frameToInput(image, g.drawW, g.drawH, g.inW, g.inH, this.inputs.take(3 * g.inW * g.inH));
    let out: InstanceType<typeof OrtTensor>;
    try {
      out = (await this.session.run({ [PLATE_DET.input]: new OrtTensor('float32', input, [1, 3, g.inH, g.inW]) }))[
        PLATE_DET.output
      ]!;
    } finally {
      this.inputs.give(input);
    }
    const [, , mh, mw] = out.dims as number[];
    const fx = image.width / g.drawW;
    const fy = image.height / g.drawH;
    // A cell spans inW / mw input pixels (the stride).
    const sx = g.inW / mw!;
    const sy = g.inH / mh!;
    return {
      data: out.data as Float32Array,
      width: mw!,
      height: mh!,
      cellW: sx * fx,
      cellH: sy * fy,
      validW: Math.ceil(g.drawW / sx),
      validH: Math.ceil(g.drawH / sy),
    };
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    return mapToDetections(await this.plateMap(image), image.width, image.height, this.opts);
  }

  /** The same network with other options (e.g. a smaller long side for regions). */
  withOptions(opts: Partial<PlateDetOptions>): PlateDetDetector {
    return new PlateDetDetector(this.name, this.session, { ...this.opts, ...opts }, this.inputs);
  }
}

/**
 * Opens the model and checks it is the network this code was written for (names, and a map at
 * a quarter of the input size), so a different export fails at start with a ModelError.
 */
export async function createPlateDetDetector(
  entry: ModelEntry,
  opts: PlateDetOptions = defaultPlateDetOptions,
): Promise<PlateDetDetector> {
  const session = await openSession(entry.file, entry.name);
  requireNames(session, entry, [PLATE_DET.input], [PLATE_DET.output]);
  let dims: readonly number[];
  try {
    const out = await session.run({
      [PLATE_DET.input]: new OrtTensor('float32', new Float32Array(3 * 64 * 128).fill(0.5), [1, 3, 64, 128]),
    });
    dims = out[PLATE_DET.output]!.dims;
  } catch (err) {
    throw new ModelError(
      `model "${entry.name}": ${entry.file} does not take a [1, 3, H, W] image: ${(err as Error).message}`,
    );
  }
  if (
    dims.length !== 4 ||
    dims[0] !== 1 ||
    dims[1] !== 1 ||
    dims[2] !== 64 / PLATE_DET.stride ||
    dims[3] !== 128 / PLATE_DET.stride
  )
    throw new ModelError(
      `model "${entry.name}": ${entry.file} maps a 1×3×64×128 image to [${dims.join(', ')}]; expected [1, 1, ${64 / PLATE_DET.stride}, ${128 / PLATE_DET.stride}]`,
    );
  return new PlateDetDetector(entry.name, session, opts);
}
