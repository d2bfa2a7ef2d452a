import { defaultModelsDir, loadManifest } from '../vision/manifest.js';
import { loadSyntax } from '../vision/model-registry.js';
import { PlateSyntax } from '../vision/plate-syntax.js';
import { allDigitLengths, judgeRead, plateShaped, type ReadRule, readRule } from './read-rule.js';

describe('stored-read rule', () => {
  /** The rule as the daemon builds it with the bundled US plate-shape prior. */
  let us: ReadRule;
  beforeAll(async () => {
    us = readRule(0.7, loadSyntax(await loadManifest(defaultModelsDir()), 'plate-syntax-us')!);
  });

  it('takes the plausible all-digit lengths from the shape prior (US: 3 to 7 digits)', () => {
    expect([...us.allDigitLengths!].sort()).toEqual([3, 4, 5, 6, 7]);
    const tiny = new PlateSyntax({ name: 't', shapes: { DDDDDD: 4, LLLDDD: 9, DD: 0 }, states: {} });
    expect([...allDigitLengths(tiny)]).toEqual([6]);
  });

  it.each([['ABC1234'], ['7HJW351'], ['BKR-4721'], ['V5'], ['AB'], ['ABCDEFGH'], ['123456'], ['1920'], ['012']])(
    '%s is plate-shaped',
    (text) => {
      expect(plateShaped(text, us)).toBe(true);
    },
  );

  it.each([
    ['', 'empty'],
    ['A', 'one character'],
    ['ABCDEFGHJ', 'nine characters'],
    ['99', 'two digits: no real plate is digits only this short'],
    ['28073306', 'eight digits: a date or a phone number, not a plate'],
    ['17093718', 'a camera time stamp'],
    ['--', 'no letter or digit at all'],
  ])('%s is not plate-shaped (%s)', (text) => {
    expect(plateShaped(text, us)).toBe(false);
  });

  it('without a shape prior accepts digits-only text of any plate length', () => {
    const none = readRule(0.7, null);
    expect(plateShaped('99', none)).toBe(true);
    expect(plateShaped('28073306', none)).toBe(true);
    expect(plateShaped('123456789', none)).toBe(false);
  });

  it('drops a pass seen in one frame at low confidence, and keeps it when sure or seen twice', () => {
    expect(judgeRead({ text: 'V5', frames: 1, confidence: 0.62 }, us)).toEqual({ keep: false, reason: 'unconfirmed' });
    expect(judgeRead({ text: '014051', frames: 1, confidence: 0.55 }, us)).toEqual({
      keep: false,
      reason: 'unconfirmed',
    });
    expect(judgeRead({ text: 'ABC1234', frames: 1, confidence: 0.69 }, us).keep).toBe(false);
    expect(judgeRead({ text: 'ABC1234', frames: 1, confidence: 0.7 }, us)).toEqual({ keep: true });
    expect(judgeRead({ text: 'ABC1234', frames: 2, confidence: 0.51 }, us)).toEqual({ keep: true });
  });

  it('drops text that is not plate-shaped however often and surely it was read', () => {
    expect(judgeRead({ text: '28073306', frames: 12, confidence: 0.99 }, us)).toEqual({
      keep: false,
      reason: 'not_plate_shaped',
    });
    expect(judgeRead({ text: '99', frames: 3, confidence: 0.9 }, us).keep).toBe(false);
  });
});
