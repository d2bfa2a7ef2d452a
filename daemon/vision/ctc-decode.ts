import type { CharGuess } from './ports.js';

/**
 * CTC decoding restricted to plate characters. The PP-OCR recogniser knows 6,624 symbols; a
 * plate holds only A–Z and 0–9. Lowercase letters are folded into their capitals (the model
 * sometimes sees "o" for "O"); every other symbol (punctuation, spaces, CJK glyphs that emblems
 * and bolts turn into) is masked: a frame such a symbol wins counts as a separator, so it splits
 * characters instead of inventing one.
 */
export interface CtcAlphabet {
  /** For each model class: the plate character it counts for, '' for blank/masked. */
  classToChar: string[];
  /** The plate characters, in output order. */
  chars: string[];
  /** For each model class: index into `chars`, or -1 (blank or masked). */
  classToIndex: Int16Array;
}

export const PLATE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Builds the mask from a PP-OCR dictionary (one symbol a line; class 0 is blank, the last is space). */
export function plateAlphabet(dictionary: string[], classes: number): CtcAlphabet {
  const classToChar: string[] = new Array(classes).fill('');
  const classToIndex = new Int16Array(classes).fill(-1);
  const chars = [...PLATE_CHARS];
  for (let c = 1; c < classes; c++) {
    const sym = dictionary[c - 1] ?? ' ';
    const up = sym.length === 1 ? sym.toUpperCase() : '';
    const i = up ? chars.indexOf(up) : -1;
    if (i >= 0) {
      classToChar[c] = up;
      classToIndex[c] = i;
    }
  }
  return { classToChar, chars, classToIndex };
}

export interface CtcResult {
  text: string;
  chars: CharGuess[];
  /** Per character: the [start, end) time steps it came from (for box tightening and tests). */
  spans: [number, number][];
  /** Unmasked greedy text over the full dictionary: keeps ':', '-', '/' for the overlay/phone filters. */
  raw: string;
}

/**
 * Greedy CTC over the masked distribution. `probs` is T×C softmax output (row-major). Each
 * character's p is its best frame's probability; its alternatives come from that frame.
 */
export function ctcDecode(
  probs: Float32Array,
  steps: number,
  classes: number,
  alphabet: CtcAlphabet,
  dictionary?: string[],
  maxAlts = 3,
): CtcResult {
  const n = alphabet.chars.length;
  const folded = new Float32Array(n);
  const chars: CharGuess[] = [];
  const spans: [number, number][] = [];
  let prev = -1;
  let raw = '';
  let prevRaw = -1;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    folded.fill(0);
    let rawBest = 0;
    let rawP = -1;
    for (let c = 0; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > rawP) {
        rawP = p;
        rawBest = c;
      }
      const i = alphabet.classToIndex[c]!;
      if (i >= 0) folded[i]! += p;
    }
    if (dictionary && rawBest !== prevRaw && rawBest !== 0) raw += dictionary[rawBest - 1] ?? ' ';
    prevRaw = rawBest;
    // A frame won by a masked symbol ('-', ' ', an emblem read as a glyph) separates characters.
    let best = -1;
    let bestP = probs[row]!;
    if (rawBest === 0 || alphabet.classToIndex[rawBest]! >= 0) {
      for (let i = 0; i < n; i++) {
        if (folded[i]! > bestP) {
          bestP = folded[i]!;
          best = i;
        }
      }
    }
    if (best < 0) {
      prev = -1;
      continue;
    }
    if (best === prev) {
      const g = chars[chars.length - 1]!;
      spans[spans.length - 1]![1] = t + 1;
      if (bestP > g.p) Object.assign(g, guessAt(folded, best, bestP, alphabet.chars, maxAlts));
    } else {
      chars.push(guessAt(folded, best, bestP, alphabet.chars, maxAlts));
      spans.push([t, t + 1]);
    }
    prev = best;
  }
  return { text: chars.map((c) => c.char).join(''), chars, spans, raw };
}

function guessAt(folded: Float32Array, best: number, p: number, names: string[], maxAlts: number): CharGuess {
  const alts: { char: string; p: number }[] = [];
  for (let i = 0; i < folded.length; i++)
    if (i !== best && folded[i]! > 0.005) alts.push({ char: names[i]!, p: folded[i]! });
  alts.sort((a, b) => b.p - a.p);
  return { char: names[best]!, p, alts: alts.slice(0, maxAlts) };
}
