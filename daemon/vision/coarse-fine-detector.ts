import type { Box, RgbImage } from './image.js';
import type { Detection, PlateDetector } from './ports.js';
import type { InferenceSession } from './onnx-session.js';
import { OrtTensor } from './onnx-session.js';
import { PPOCR_DET_MEAN, PPOCR_DET_STD, sampleToTensor } from './tensor-prep.js';
import { defaultDbOptions, extractBoxes, type DbOptions } from './db-postprocess.js';
import { mergeLineBoxes, plateShaped } from './plate-geometry.js';
import { candidateWindows, preferFine, windowInput, type Candidate, type WindowOptions } from './detection-windows.js';
import { defaultEdgePrefilter, edgeRegions, type EdgePrefilterOptions } from './edge-prefilter.js';

export interface CoarseFineOptions {
  /**
   * Where windows come from: `edges`, the classical stroke-density pre-filter (~5 ms), or
   * `text`, PP-OCR on the whole frame at `coarseLongSide` (misses small plates: see the commit).
   */
  coarse: 'edges' | 'text';
  edges: EdgePrefilterOptions;
  /** When > 0, the whole frame is also detected at this long side and its boxes kept (large plates). */
  fullLongSide: number;
  /** Long side of the whole-frame pass that only finds where text is. */
  coarseLongSide: number;
  /** DB settings of the coarse pass: lenient, since a missed candidate is a missed plate. */
  coarseDb: DbOptions;
  /** Coarse boxes shorter than this (frame pixels) are not plate text worth a window. */
  coarseMinHeight: number;
  /** Fine windows are detected at the scale the whole frame would get at this long side. */
  fineLongSide: number;
  /** A fine window above this many input pixels is detected at a lower scale. */
  maxWindowPixels: number;
  windows: WindowOptions;
  db: DbOptions;
  /** Most candidates handed to the reader (as PpocrDetector: tallest text first). */
  maxCandidates: number;
}

/**
 * PP-OCRv4 text detection in two passes: the whole frame at low resolution finds where text
 * is, then only small windows around plate-shaped candidates are detected at full resolution.
 * The network's cost is proportional to input pixels, and a plate is a few percent of a road
 * scene, so the fine pass costs a fraction of a full-resolution frame, while the boxes the reader
 * gets come from full-resolution maps (a low-resolution box is loose and merges neighbours).
 *
 * Measured: a low-resolution *text* pass cannot pick the windows (distant plates' characters
 * get no response at 480 px), so by default the windows come from the edge pre-filter, and the
 * whole frame is also detected at 640 px for the large plates. PP-OCRv4 det answers erratically
 * on small crops (a plate found in a 200×100 window was lost in a 480×240 one: its attention
 * blocks pool over the whole input), hence generous minimum window sizes.
 *
 * Result (us-dev, 111 photos): detection recall 98.2 % with ppocr-v4-rec and 99.1 % with
 * plate-rec-v1, against 97.3 % for ppocr-v4-det at 960 px, at about the same CPU per 1280×720
 * frame (−7 % to +13 % in interleaved runs on a shared machine): it buys recall, not speed.
 * For speed, ppocr-v4-det at detect_long_side 832 costs ~22 ms less than 960 at 97.3 % recall.
 */
export class CoarseFineDetector implements PlateDetector {
  constructor(
    readonly name: string,
    private readonly session: InferenceSession,
    private readonly opts: CoarseFineOptions,
  ) {}

  /** The measured choice (see the commits that set it): 640 px whole frame + eight 1280-scale windows of at least 320×160. */
  static defaults(): CoarseFineOptions {
    return {
      coarse: 'edges',
      fullLongSide: 640,
      edges: {
        ...defaultEdgePrefilter,
        windows: [
          { w: 32, h: 8 },
          { w: 64, h: 16 },
        ],
        maxRegions: 8,
      },
      coarseLongSide: 480,
      coarseDb: { ...defaultDbOptions, threshold: 0.2, boxThreshold: 0.4, minSize: 2 },
      coarseMinHeight: 6,
      fineLongSide: 1280,
      maxWindowPixels: 160 * 1024,
      // Windows of 320×160 and more: PP-OCR answers erratically on smaller crops (see the class note).
      windows: { padX: 1.5, padY: 1.5, minW: 320, minH: 160, maxWindows: 8 },
      db: defaultDbOptions,
      maxCandidates: 6,
    };
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    const o = this.opts;
    const long = Math.max(image.width, image.height);
    const cands = o.coarse === 'edges' ? edgeRegions(image, o.edges) : await this.textCandidates(image, long);
    const wins = candidateWindows(cands, image.width, image.height, o.windows);
    const fine: Detection[] = [];
    for (const w of wins)
      fine.push(...(await this.detectRegion(image, w, windowInput(w, o.fineLongSide / long, o.maxWindowPixels), o.db)));
    let lines = mergeLineBoxes(fine);
    if (o.fullLongSide > 0) {
      const full = { x: 0, y: 0, w: image.width, h: image.height };
      const whole = mergeLineBoxes(
        await this.detectRegion(image, full, windowInput(full, o.fullLongSide / long, Infinity), o.db),
      );
      lines = preferFine(lines, whole);
    }
    return lines
      .filter((d) => plateShaped(d.box))
      .sort((a, b) => b.box.h - a.box.h)
      .slice(0, o.maxCandidates);
  }

  private async textCandidates(image: RgbImage, long: number): Promise<Candidate[]> {
    const o = this.opts;
    const full = { x: 0, y: 0, w: image.width, h: image.height };
    const coarse = await this.detectRegion(
      image,
      full,
      windowInput(full, o.coarseLongSide / long, Infinity),
      o.coarseDb,
    );
    return mergeLineBoxes(coarse)
      .filter((d) => d.box.h >= o.coarseMinHeight && d.box.w >= 0.8 * d.box.h)
      .map((d) => ({ box: d.box, priority: d.box.h * d.score }));
  }

  /** PP-OCR detection of one region of the frame at the given input size; boxes in frame pixels. */
  private async detectRegion(
    image: RgbImage,
    region: Box,
    size: ReturnType<typeof windowInput>,
    db: DbOptions,
  ): Promise<Detection[]> {
    const { drawW, drawH, inW, inH } = size;
    const input = sampleToTensor(image, region, inW, inH, drawW, drawH, PPOCR_DET_MEAN, PPOCR_DET_STD, 0);
    const result = await this.session.run({
      [this.session.inputNames[0]!]: new OrtTensor('float32', input, [1, 3, inH, inW]),
    });
    const out = result[this.session.outputNames[0]!]!;
    const [, , mh, mw] = out.dims as number[];
    const boxes = extractBoxes(out.data as Float32Array, mw!, mh!, db, Math.min(mw!, drawW), Math.min(mh!, drawH));
    const fx = region.w / drawW,
      fy = region.h / drawH;
    return boxes.map((b) => ({
      box: { x: region.x + b.x * fx, y: region.y + b.y * fy, w: b.w * fx, h: b.h * fy },
      score: b.score,
    }));
  }
}
