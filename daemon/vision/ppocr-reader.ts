import type { Box, RgbImage } from './image.js';
import type { Detection, PlateReader, PlateText } from './ports.js';
import type { InferenceSession } from './onnx-session.js';
import { OrtTensor } from './onnx-session.js';
import { clampBox, sampleToTensor } from './tensor-prep.js';
import { ctcDecode, plateAlphabet, type CtcAlphabet, type CtcResult } from './ctc-decode.js';
import { topCandidates } from './plate-candidates.js';
import { rejectReason } from './plate-text-filter.js';

export interface PpocrReaderOptions {
  /** How many strings a read carries (the text and its alternatives): top-5 scoring needs 5. */
  candidates: number;
  /** Crops wider than this many heights are squeezed (the model was trained up to ~10:1). */
  maxAspect: number;
  /** Margin added left and right, in box heights: detector boxes cut the outer characters short. */
  padX: number;
  /** Box height factor: the grown detector box carries more border than the reader wants. */
  scaleY: number;
}

export const defaultReaderOptions: PpocrReaderOptions = { candidates: 5, maxAspect: 12, padX: 0.3, scaleY: 1 };

const HEIGHT = 48;
const HALF: [number, number, number] = [0.5, 0.5, 0.5];

/**
 * PP-OCRv4 recognition restricted to plates: a height-48 crop, CTC over A–Z/0–9 only, the
 * plate-likeness filter, and top-N candidates for the vote and for top-5 scoring.
 */
export class PpocrReader implements PlateReader {
  private readonly alphabet: CtcAlphabet;

  constructor(
    readonly name: string,
    private readonly session: InferenceSession,
    private readonly dictionary: string[],
    private readonly opts: PpocrReaderOptions = defaultReaderOptions,
    classes = dictionary.length + 2,
  ) {
    this.alphabet = plateAlphabet(dictionary, classes);
  }

  async read(image: RgbImage, region: Detection): Promise<PlateText | null> {
    const r = region.box;
    const dx = r.h * this.opts.padX;
    const dy = (r.h * (1 - this.opts.scaleY)) / 2;
    const box = clampBox({ x: r.x - dx, y: r.y + dy, w: r.w + 2 * dx, h: r.h - 2 * dy }, image.width, image.height);
    const decoded = await this.recognise(image, box);
    if (rejectReason(decoded.text, decoded.raw)) return null;
    const all = topCandidates(decoded.chars, this.opts.candidates);
    const confidence = decoded.chars.reduce((s, c) => s * c.p, 1);
    return {
      text: decoded.text,
      confidence,
      chars: decoded.chars,
      alternatives: all
        .filter((c) => c.text !== decoded.text && !rejectReason(c.text, c.text))
        .slice(0, this.opts.candidates - 1),
      state: null,
      box: tighten(box, decoded, image.width),
    };
  }

  /** The masked CTC decode of one region (exported for tests and diagnostics). */
  async recognise(image: RgbImage, box: Box): Promise<CtcResult & { drawnSteps: number }> {
    const drawW = Math.max(HEIGHT / 2, Math.min(Math.round((HEIGHT * box.w) / box.h), HEIGHT * this.opts.maxAspect));
    const inW = Math.ceil(drawW / 8) * 8;
    const input = sampleToTensor(image, box, inW, HEIGHT, drawW, HEIGHT, HALF, HALF, 0);
    const feeds = { [this.session.inputNames[0]!]: new OrtTensor('float32', input, [1, 3, HEIGHT, inW]) };
    const result = await this.session.run(feeds);
    const out = result[this.session.outputNames[0]!]!;
    const [, steps, classes] = out.dims as number[];
    const decoded = ctcDecode(out.data as Float32Array, steps!, classes!, this.alphabet, this.dictionary);
    // Time steps cover the padded width; the drawn part maps back onto the box (tightening).
    return { ...decoded, drawnSteps: Math.round((steps! * drawW) / inW) };
  }
}

/** Narrows the box to the span of the decoded characters (plus a character's margin). */
function tighten(box: Box, d: CtcResult & { drawnSteps: number }, frameW: number): Box {
  if (d.spans.length === 0 || d.drawnSteps <= 0) return box;
  const per = box.w / d.drawnSteps;
  const first = d.spans[0]![0];
  const last = d.spans[d.spans.length - 1]![1];
  const margin = Math.max(2, (last - first) / Math.max(1, d.spans.length));
  const x0 = Math.max(box.x, box.x + (first - margin) * per);
  const x1 = Math.min(box.x + box.w, box.x + (last + margin) * per, frameW);
  return x1 - x0 > 4 ? { x: x0, y: box.y, w: x1 - x0, h: box.h } : box;
}
