import { ctcDecode, plateAlphabet } from './ctc-decode.js';
import { topCandidates } from './plate-candidates.js';

// A tiny PP-OCR-like dictionary: class 0 is blank, then these symbols, then the space class.
const dict = ['A', 'b', '-', '1', '中', '8', 'B'];
const classes = dict.length + 2;
const cls = (sym: string) => (sym === '' ? 0 : dict.indexOf(sym) + 1);

/** One softmax row per entry: the named symbol gets `p`, the rest spread over `others`. */
function logits(frames: { top: string; p: number; others?: Record<string, number> }[]): Float32Array {
  const out = new Float32Array(frames.length * classes);
  frames.forEach((f, t) => {
    const row = out.subarray(t * classes, (t + 1) * classes);
    let rest = 1 - f.p;
    for (const [s, q] of Object.entries(f.others ?? {})) {
      row[cls(s)] = q;
      rest -= q;
    }
    row[cls(f.top)] = f.p;
    row[0]! += Math.max(0, rest);
  });
  return out;
}

describe('CTC decoding restricted to plate characters', () => {
  const alphabet = plateAlphabet(dict, classes);

  it('collapses repeats, splits on blanks and folds lowercase into capitals', () => {
    const probs = logits([
      { top: 'A', p: 0.9 },
      { top: 'A', p: 0.8 },
      { top: '', p: 0.9 },
      { top: 'A', p: 0.9 },
      { top: 'b', p: 0.7 },
      { top: '1', p: 0.95 },
      { top: '1', p: 0.9 },
    ]);
    const r = ctcDecode(probs, 7, classes, alphabet, dict);
    expect(r.text).toBe('AAB1');
    expect(r.spans).toEqual([
      [0, 2],
      [3, 4],
      [4, 5],
      [5, 7],
    ]);
    expect(r.chars[3]!.p).toBeCloseTo(0.95);
  });

  it('treats frames won by masked symbols as separators and keeps them in the raw text', () => {
    const probs = logits([
      { top: '1', p: 0.9 },
      { top: '-', p: 0.8 },
      { top: '1', p: 0.9 },
      { top: '中', p: 0.6, others: { '8': 0.3 } },
      { top: '1', p: 0.9 },
    ]);
    const r = ctcDecode(probs, 5, classes, alphabet, dict);
    expect(r.text).toBe('111');
    expect(r.raw).toBe('1-1中1');
  });

  it('gives each character its runners-up from its best frame', () => {
    const probs = logits([{ top: '8', p: 0.6, others: { B: 0.3, A: 0.05 } }]);
    const r = ctcDecode(probs, 1, classes, alphabet, dict);
    expect(r.chars[0]!.char).toBe('8');
    expect(r.chars[0]!.alts.map((a) => a.char)).toEqual(['B', 'A']);
    expect(r.chars[0]!.alts[0]!.p).toBeCloseTo(0.3);
  });
});

describe('top-N plate candidates', () => {
  it('puts the greedy read first and the likeliest substitution second', () => {
    const c = topCandidates(
      [
        { char: 'A', p: 0.99, alts: [] },
        { char: '8', p: 0.6, alts: [{ char: 'B', p: 0.35 }] },
        { char: '1', p: 0.95, alts: [{ char: 'I', p: 0.04 }] },
      ],
      5,
    );
    expect(c[0]!.text).toBe('A81');
    expect(c[1]!.text).toBe('AB1');
    expect(c[0]!.confidence).toBeCloseTo(0.99 * 0.6 * 0.95);
    expect(new Set(c.map((x) => x.text)).size).toBe(c.length);
  });

  it('offers the read without an unsure extra character (a bolt between groups)', () => {
    const c = topCandidates(
      [
        { char: 'A', p: 0.99, alts: [] },
        { char: 'I', p: 0.3, alts: [] },
        { char: '7', p: 0.99, alts: [] },
      ],
      3,
    );
    expect(c.map((x) => x.text)).toContain('A7');
  });
});
