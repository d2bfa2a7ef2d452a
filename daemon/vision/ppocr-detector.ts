import type { RgbImage } from './image.js';
import type { Detection, PlateDetector } from './ports.js';
import type { InferenceSession } from './onnx-session.js';
import { OrtTensor } from './onnx-session.js';
import { PPOCR_DET_MEAN, PPOCR_DET_STD, sampleToTensor } from './tensor-prep.js';
import { defaultDbOptions, extractBoxes, type DbOptions } from './db-postprocess.js';
import { mergeLineBoxes, plateShaped } from './plate-geometry.js';

export interface PpocrDetectorOptions {
  /** The frame's long side is scaled to this (a multiple of 32). 960: 640 lost 13 points of recall. */
  longSide: number;
  db: DbOptions;
  /**
   * Most candidates handed to the reader per frame, tallest text first (bounds the read time):
   * plate characters are the largest print on a vehicle. On us-dev, the 6 tallest kept the
   * same recall as the 8 best-scored at two thirds of the read time.
   */
  maxCandidates: number;
}

/**
 * PP-OCRv4 text detection used as a plate detector: DB text boxes, words on one line merged,
 * then only plate-shaped lines kept. It finds all text (state names, slogans, signs); the
 * reader's plate-likeness filter and the analyzer's line choice sort plates from the rest.
 */
export class PpocrDetector implements PlateDetector {
  constructor(
    readonly name: string,
    private readonly session: InferenceSession,
    private readonly opts: PpocrDetectorOptions,
  ) {}

  static defaults(longSide = 960): PpocrDetectorOptions {
    return { longSide, db: defaultDbOptions, maxCandidates: 6 };
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    const scale = this.opts.longSide / Math.max(image.width, image.height);
    const drawW = Math.max(1, Math.round(image.width * scale));
    const drawH = Math.max(1, Math.round(image.height * scale));
    const inW = Math.ceil(drawW / 32) * 32;
    const inH = Math.ceil(drawH / 32) * 32;
    const full = { x: 0, y: 0, w: image.width, h: image.height };
    const input = sampleToTensor(image, full, inW, inH, drawW, drawH, PPOCR_DET_MEAN, PPOCR_DET_STD, 0);
    const feeds = { [this.session.inputNames[0]!]: new OrtTensor('float32', input, [1, 3, inH, inW]) };
    const result = await this.session.run(feeds);
    const out = result[this.session.outputNames[0]!]!;
    const [, , mh, mw] = out.dims as number[];
    const map = out.data as Float32Array;
    const boxes = extractBoxes(map, mw!, mh!, this.opts.db, Math.min(mw!, drawW), Math.min(mh!, drawH));
    const fx = image.width / drawW;
    const fy = image.height / drawH;
    const dets: Detection[] = boxes.map((b) => ({
      box: { x: b.x * fx, y: b.y * fy, w: b.w * fx, h: b.h * fy },
      score: b.score,
    }));
    return mergeLineBoxes(dets)
      .filter((d) => plateShaped(d.box))
      .sort((a, b) => b.box.h - a.box.h)
      .slice(0, this.opts.maxCandidates);
  }
}
