import { errorKind, errorSummary } from './eval-errors.js';
import type { EvalRow } from './eval-run.js';

describe('eval error kinds', () => {
  it.each([
    ['ML0C2S', 'MLOC2S', true, 'one look-alike (e.g. 0/O, 8/B)'],
    ['YG9X2G', 'VG9X2C', true, 'several look-alikes'],
    ['ASC7399', '4ASC7399', true, 'extra leading character'],
    ['4B40262', '4B480262', true, 'extra inner character (bolt, emblem, sticker)'],
    ['L781601', '781601', true, 'leading character lost (cut box)'],
    ['002HHM', '002HH', true, 'trailing character lost (cut box)'],
    ['CCV020', '020', true, 'part of the plate read'],
    ['KL3B8K', '', false, 'plate not detected'],
    ['KL3B8K', '', true, 'no plate-like read'],
    ['ABC123', 'ABC123', true, 'correct'],
  ])('%s read as "%s" is: %s', (truth, read, detected, kind) => expect(errorKind(truth, read, detected)).toBe(kind));

  it('counts the wrong rows by kind, commonest first, with examples', () => {
    const row = (image: string, truth: string, text: string): EvalRow => ({
      image,
      truth,
      text,
      detected: true,
      top1: truth === text,
      top5: false,
      candidates: [],
      others: 0,
      reader: 'r',
      width: 1,
      height: 1,
      detectMs: 1,
      readMs: 1,
      truthState: '',
      state: null,
      stateCorrect: null,
    });
    const s = errorSummary([
      row('a.jpg', 'AB0', 'ABO'),
      row('b.jpg', 'CD0', 'CDO'),
      row('c.jpg', 'XY1', 'XY1'),
      row('d.jpg', 'EF12', 'F12'),
    ]);
    expect(s).toEqual([
      { kind: 'one look-alike (e.g. 0/O, 8/B)', count: 2, examples: ['a.jpg AB0→ABO', 'b.jpg CD0→CDO'] },
      { kind: 'leading character lost (cut box)', count: 1, examples: ['d.jpg EF12→F12'] },
    ]);
  });
});
