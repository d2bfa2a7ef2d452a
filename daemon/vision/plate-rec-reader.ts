import { ModelError } from '../shared/errors.js';
import type { Box, RgbImage } from './image.js';
import type { ModelEntry } from './manifest.js';
import type { CharGuess, Detection, PlateReader, PlateText } from './ports.js';
import type { InferenceSession } from './onnx-session.js';
import { OrtTensor, openSession, requireNames } from './onnx-session.js';
import { topCandidates } from './plate-candidates.js';
import { rejectReason } from './plate-text-filter.js';
import type { PlateSyntax } from './plate-syntax.js';

/**
 * The project's own plate recogniser (trained by scripts/train/). Everything here must
 * match scripts/train/common.py: the crop margins, BT.601 grey, OpenCV-style bilinear resize to
 * 32×128, and the alphabet order. The network normalises each image itself, so it takes plain
 * grey 0..255; it outputs T×37 column probabilities (T = 32 or 64, read from the output size).
 */
export const PLATE_REC = {
  height: 32,
  width: 128,
  /** CTC class k (k ≥ 1) is ALPHABET[k - 1]; class 0 is the blank. */
  alphabet: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  /** The detector's box is widened by these fractions per side, as in training. */
  marginX: 0.05,
  marginY: 0.08,
  states: [
    'AK',
    'AL',
    'AR',
    'AZ',
    'CA',
    'CO',
    'CT',
    'DC',
    'DE',
    'FL',
    'GA',
    'HI',
    'IA',
    'ID',
    'IL',
    'IN',
    'KS',
    'KY',
    'LA',
    'MA',
    'MD',
    'ME',
    'MI',
    'MN',
    'MO',
    'MS',
    'MT',
    'NC',
    'ND',
    'NE',
    'NH',
    'NJ',
    'NM',
    'NV',
    'NY',
    'OH',
    'OK',
    'OR',
    'PA',
    'RI',
    'SC',
    'SD',
    'TN',
    'TX',
    'UT',
    'VA',
    'VT',
    'WA',
    'WI',
    'WV',
    'WY',
  ],
} as const;

export interface PlateRecOptions {
  /** Strings per read (the text plus alternatives): top-5 scoring needs 5. */
  candidates: number;
  /** Runners-up kept per character position. */
  maxAlts: number;
  /** The state head's answer is reported only above this probability (it is the weaker head). */
  minStateP: number;
  /**
   * Extra crops per detection, as [marginX, marginY] scale factors on the training margins; the
   * surest read wins. Detector boxes vary more than any one margin covers.
   */
  views: [number, number][];
  /**
   * The views instead, for a detection that also gives an `alt` box (a character line inside its
   * plate box): some crops of each, as many in all as `views`, so a read costs the same.
   */
  lineViews: [number, number][];
  altViews: [number, number][];
  /** Detections narrower than this many frame pixels are not read (under 3 px a character). */
  minWidth: number;
  /**
   * Given several networks: the first one's read stands alone when all its views read the same
   * plate-like text with every character at least this sure; otherwise the others read too and vote.
   */
  sureP: number;
  /**
   * Read the first crop alone first, and give up on the detection when it reads fewer than
   * GATE_MIN_CHARS characters (most false detections: the other crops are not read). See readFirst().
   */
  firstCropGate: boolean;
}

export const defaultPlateRecOptions: PlateRecOptions = {
  candidates: 5,
  maxAlts: 3,
  minStateP: 0.6,
  views: [
    [1, 1],
    [0, 0],
    [2.5, 2],
    [1, 3.5],
  ],
  lineViews: [
    [1, 1],
    [0, 0],
  ],
  altViews: [
    [1, 1],
    [2.5, 2],
  ],
  minWidth: 20,
  sureP: 0.9,
  firstCropGate: true,
};

export interface CtcRead {
  text: string;
  chars: CharGuess[];
}

/**
 * Greedy CTC decode of a T×C probability matrix (row-major, class 0 blank). A character's p is
 * the best probability over the frames it spans; its runners-up come from that frame.
 */
export function decodeCtc(
  probs: Float32Array,
  steps: number,
  classes: number,
  alphabet: string = PLATE_REC.alphabet,
  maxAlts = 3,
): CtcRead {
  const chars: CharGuess[] = [];
  let prev = 0;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[row + c]! > probs[row + best]!) best = c;
    const p = probs[row + best]!;
    if (best !== 0 && best !== prev) chars.push(guessAt(probs, row, classes, best, alphabet, maxAlts));
    else if (best !== 0 && best === prev && p > chars[chars.length - 1]!.p)
      chars[chars.length - 1] = guessAt(probs, row, classes, best, alphabet, maxAlts);
    prev = best;
  }
  return { text: chars.map((c) => c.char).join(''), chars };
}

function guessAt(
  probs: Float32Array,
  row: number,
  classes: number,
  best: number,
  alphabet: string,
  maxAlts: number,
): CharGuess {
  const alts: { char: string; p: number }[] = [];
  for (let c = 1; c < classes; c++)
    if (c !== best && probs[row + c]! > 0.005) alts.push({ char: alphabet[c - 1]!, p: probs[row + c]! });
  alts.sort((a, b) => b.p - a.p);
  return { char: alphabet[best - 1]!, p: probs[row + best]!, alts: alts.slice(0, maxAlts) };
}

/** The first-crop gate gives up on a detection whose first crop reads fewer characters (no plate is one character long). */
export const GATE_MIN_CHARS = 2;

/** A US plate has four characters or more (a shorter vanity plate is still read, by the first network alone). */
export const SECOND_OPINION_MIN_CHARS = 4;

/**
 * Whether a first network's views (one greedy read each) need the other networks: yes when some
 * view reads plate-like text of at least `SECOND_OPINION_MIN_CHARS` characters and the views
 * disagree or some character is under `sureP`; no when every view reads the same text surely, or
 * none reads a plate-length text (most false detections: a second network would only add its
 * cost to every one of them).
 */
export function secondOpinion(views: CtcRead[], sureP: number): boolean {
  if (!views.some((v) => v.text.length >= SECOND_OPINION_MIN_CHARS && !rejectReason(v.text, v.text))) return false;
  return views.some((v) => v.text !== views[0]!.text || v.chars.some((c) => c.p < sureP));
}

/** The region the reader looks at: the box widened by the training margins, clamped to the frame, in whole pixels. */
export function cropBox(
  box: Box,
  width: number,
  height: number,
  mx: number = PLATE_REC.marginX,
  my: number = PLATE_REC.marginY,
): Box {
  const x0 = Math.max(0, Math.round(box.x - box.w * mx));
  const x1 = Math.min(width, Math.round(box.x + box.w * (1 + mx)));
  const y0 = Math.max(0, Math.round(box.y - box.h * my));
  const y1 = Math.min(height, Math.round(box.y + box.h * (1 + my)));
  return { x: x0, y: y0, w: Math.max(1, x1 - x0), h: Math.max(1, y1 - y0) };
}

/**
 * Grey 32×128 input (values 0..255) from a frame region, as cv2.resize(INTER_LINEAR) of the
 * BT.601 grey crop: half-pixel centres, edge pixels repeated.
 */
export function greyInput(
  img: RgbImage,
  crop: Box,
  outW: number = PLATE_REC.width,
  outH: number = PLATE_REC.height,
): Float32Array {
  const out = new Float32Array(outW * outH);
  const { width, data } = img;
  const axis = (n: number, size: number, origin: number) => {
    const i0 = new Int32Array(n);
    const i1 = new Int32Array(n);
    const f = new Float32Array(n);
    const scale = size / n;
    for (let k = 0; k < n; k++) {
      let s = (k + 0.5) * scale - 0.5;
      let i = Math.floor(s);
      s -= i;
      if (i < 0) {
        i = 0;
        s = 0;
      }
      if (i >= size - 1) {
        i = size - 1;
        s = 0;
      }
      i0[k] = origin + i;
      i1[k] = origin + Math.min(i + 1, size - 1);
      f[k] = s;
    }
    return { i0, i1, f };
  };
  const xs = axis(outW, crop.w, crop.x);
  const ys = axis(outH, crop.h, crop.y);
  const grey = (x: number, y: number) => {
    const i = (y * width + x) * 3;
    return Math.floor(0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! + 0.5);
  };
  for (let y = 0; y < outH; y++) {
    const y0 = ys.i0[y]!,
      y1 = ys.i1[y]!,
      fy = ys.f[y]!;
    for (let x = 0; x < outW; x++) {
      const x0 = xs.i0[x]!,
        x1 = xs.i1[x]!,
        fx = xs.f[x]!;
      const top = grey(x0, y0) * (1 - fx) + grey(x1, y0) * fx;
      const bottom = grey(x0, y1) * (1 - fx) + grey(x1, y1) * fx;
      out[y * outW + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/**
 * PlateReader over the trained model: a few crops per detection (around its box and, when the
 * detector gives one, its `alt` box too), greedy CTC with per-position runners-up, top-N
 * candidate strings, and the state head when it is sure. Given several
 * networks (trained apart, so their mistakes differ), the first reads every crop; when it is unsure
 * (secondOpinion) the others read the same crops and all the reads vote together. The state is
 * always the first network's. Given a syntax prior (vision.plate_syntax), the winner among the
 * strings the crops read is the one whose votes times the prior of its letter/digit shape (for the
 * state, when one is given) is highest: crops split between 002HHM and O02HHM go to 002HHM.
 */
export class PlateRecReader implements PlateReader {
  private readonly sessions: InferenceSession[];

  constructor(
    readonly name: string,
    session: InferenceSession | InferenceSession[],
    private readonly opts: PlateRecOptions = defaultPlateRecOptions,
    /** Real plates' letter/digit shapes (vision.plate_syntax); none: the votes alone choose. */
    private readonly syntax?: PlateSyntax,
  ) {
    this.sessions = Array.isArray(session) ? session : [session];
    if (this.sessions.length === 0) throw new ModelError(`model "${name}": no network to run`);
  }

  async read(image: RgbImage, region: Detection): Promise<PlateText | null> {
    const size = PLATE_REC.height * PLATE_REC.width;
    if (region.box.w < this.opts.minWidth) return null;
    const around = (box: Box, views: [number, number][]) =>
      views.map(([fx, fy]) => cropBox(box, image.width, image.height, PLATE_REC.marginX * fx, PLATE_REC.marginY * fy));
    const crops = (
      region.alt
        ? [...around(region.box, this.opts.lineViews), ...around(region.alt, this.opts.altViews)]
        : around(region.box, this.opts.views)
    ).filter((c) => c.w >= 4 && c.h >= 4);
    if (crops.length === 0) return null;
    const input = new Float32Array(size * crops.length);
    for (const [i, c] of crops.entries()) input.set(greyInput(image, c), i * size);
    const classes = PLATE_REC.alphabet.length + 1;
    const states = PLATE_REC.states.length;
    const decodeViews = (out: { chars: Float32Array }) => {
      const steps = out.chars.length / crops.length / classes;
      return crops.map((_, v) =>
        decodeCtc(
          out.chars.subarray(v * steps * classes, (v + 1) * steps * classes),
          steps,
          classes,
          PLATE_REC.alphabet,
          this.opts.maxAlts,
        ),
      );
    };
    // The first network reads alone when it is sure; the others are asked only when its views
    // disagree or are unsure (see secondOpinion).
    const first = await this.readFirst(
      input,
      crops.length,
      (chars) => decodeCtc(chars, chars.length / classes, classes).text.length < GATE_MIN_CHARS,
    );
    if (!first) return null;
    const outs = [{ ...first, decoded: decodeViews(first) }];
    if (this.sessions.length > 1 && secondOpinion(outs[0]!.decoded, this.opts.sureP)) {
      const more = await Promise.all(this.sessions.slice(1).map((_, k) => this.infer(input, crops.length, k + 1)));
      outs.push(...more.map((o) => ({ ...o, decoded: decodeViews(o) })));
    }
    const views = crops.length * outs.length;
    // Each view (crop × network) votes with its candidate strings' confidences; the winner must be
    // some view's greedy read, so its per-character guesses come from a view that actually read it.
    // The state is the first network's (the others may give it less often or not at all).
    const votes = new Map<string, number>();
    const reads: { decoded: CtcRead; confidence: number }[] = [];
    const stateSum = new Float32Array(states);
    for (const [k, out] of outs.entries()) {
      for (const [v, decoded] of out.decoded.entries()) {
        if (k === 0) for (let s = 0; s < states; s++) stateSum[s]! += out.state[v * states + s]! / crops.length;
        if (rejectReason(decoded.text, decoded.text)) continue;
        reads.push({ decoded, confidence: decoded.chars.reduce((p, c) => p * c.p, 1) });
        for (const c of topCandidates(decoded.chars, this.opts.candidates)) {
          if (!rejectReason(c.text, c.text)) votes.set(c.text, (votes.get(c.text) ?? 0) + c.confidence / views);
        }
      }
    }
    if (reads.length === 0) return null;
    let top = 0;
    for (let i = 1; i < states; i++) if (stateSum[i]! > stateSum[top]!) top = i;
    const state = stateSum[top]! >= this.opts.minStateP ? PLATE_REC.states[top]! : null;
    // The votes are how well each string fits the pixels; with a syntax prior, the choice weighs them
    // by how often real plates (of the state, when it is known) take the string's letter/digit shape.
    const score = (t: string) => (votes.get(t) ?? 0) * (this.syntax ? this.syntax.probability(t, state) : 1);
    let chosen = reads[0]!;
    let best = score(chosen.decoded.text);
    for (const r of reads) {
      const a = score(r.decoded.text);
      if (a > best || (a === best && r.confidence > chosen.confidence)) [chosen, best] = [r, a];
    }
    const text = chosen.decoded.text;
    const alternatives = [...votes.entries()]
      .filter(([t]) => t !== text)
      .sort((x, y) => y[1] - x[1])
      .slice(0, this.opts.candidates - 1)
      .map(([t, confidence]) => ({ text: t, confidence }));
    return {
      text,
      confidence: votes.get(text) ?? chosen.confidence,
      chars: chosen.decoded.chars,
      alternatives,
      state,
      box: region.box,
    };
  }

  /**
   * The first network on every crop; with `firstCropGate`, on the first crop alone first, and
   * null when that one reads no plate (`empty`: nothing, or fewer than GATE_MIN_CHARS
   * characters). A quarter of the detections read on openalpr-us-dev read nothing, and
   * none of their other crops read plate-like text there (on openalpr-eu one of 177 did, in a photo
   * whose plate was read right anyway), so three quarters of their reading is saved. Widening it to
   * one-character reads left every read on us-dev, openalpr-eu, the held-out crops and the fixture
   * plates unchanged and cut the pair's reading p90 on busy us-dev frames from 41–43 to 35 ms.
   */
  private async readFirst(
    input: Float32Array,
    batch: number,
    empty: (chars: Float32Array) => boolean,
  ): Promise<{ chars: Float32Array; state: Float32Array } | null> {
    if (!this.opts.firstCropGate || batch === 1) return this.infer(input, batch, 0);
    const size = PLATE_REC.height * PLATE_REC.width;
    const head = await this.infer(input.subarray(0, size), 1, 0);
    if (empty(head.chars)) return null;
    const rest = await this.infer(input.subarray(size), batch - 1, 0);
    const join = (a: Float32Array, b: Float32Array) => {
      const out = new Float32Array(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      return out;
    };
    return { chars: join(head.chars, rest.chars), state: join(head.state, rest.state) };
  }

  /** Runs network `k` on `batch` prepared inputs (exported for tests and the shape check). */
  async infer(input: Float32Array, batch = 1, k = 0): Promise<{ chars: Float32Array; state: Float32Array }> {
    const feeds = { image: new OrtTensor('float32', input, [batch, 1, PLATE_REC.height, PLATE_REC.width]) };
    const out = await this.sessions[k]!.run(feeds);
    return { chars: out.chars!.data as Float32Array, state: out.state!.data as Float32Array };
  }
}

/**
 * Opens the model and checks it is the network this code was written for (names and shapes),
 * so a different export fails at start with a ModelError instead of misreading plates.
 */
export async function createPlateRecReader(
  entry: ModelEntry,
  opts: PlateRecOptions = defaultPlateRecOptions,
  also: ModelEntry[] = [],
  syntax?: PlateSyntax,
): Promise<PlateRecReader> {
  const classes = PLATE_REC.alphabet.length + 1;
  const sessions: InferenceSession[] = [];
  for (const e of [entry, ...also]) {
    const session = await openSession(e.file, e.name);
    requireNames(session, e, ['image'], ['chars', 'state']);
    const probe = await new PlateRecReader(e.name, session, opts).infer(
      new Float32Array(PLATE_REC.height * PLATE_REC.width).fill(128),
    );
    if (probe.chars.length % classes !== 0 || probe.state.length !== PLATE_REC.states.length)
      throw new ModelError(
        `model "${e.name}": ${e.file} outputs ${probe.chars.length} char and ${probe.state.length} state values; expected T×${classes} and ${PLATE_REC.states.length}`,
      );
    sessions.push(session);
  }
  return new PlateRecReader(entry.name, sessions, opts, syntax);
}
