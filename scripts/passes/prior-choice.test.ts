import { chooseByPrior } from './prior-choice.js';

/** Three letters then four digits, like the Brazilian plates: likely; anything else: rare. */
const lllDddd = (t: string) => (/^[A-Z]{3}[0-9]{4}$/.test(t) ? 0.5 : 0.01);

describe('a voted read weighed by the plate-shape prior', () => {
  it('takes an alternative of a likely shape over a voted text of an unlikely one', () => {
    const read = {
      text: 'JSK54I9',
      confidence: 0.6,
      alternatives: [{ text: 'JSK5419', confidence: 0.4 }],
      state: null,
    };
    expect(chooseByPrior(read, lllDddd)).toBe('JSK5419');
  });

  it('keeps the voted text when it has the likely shape, or when the prior cannot tell', () => {
    const read = {
      text: 'JSK5419',
      confidence: 0.6,
      alternatives: [{ text: 'JSK54I9', confidence: 0.5 }],
      state: null,
    };
    expect(chooseByPrior(read, lllDddd)).toBe('JSK5419');
    const even = {
      text: 'ODJ1599',
      confidence: 0.6,
      alternatives: [{ text: 'QDJ1599', confidence: 0.5 }],
      state: null,
    };
    expect(chooseByPrior(even, lllDddd)).toBe('ODJ1599');
  });

  it('passes the read state to the prior', () => {
    const seen: (string | null)[] = [];
    chooseByPrior({ text: 'AB1', confidence: 1, alternatives: [], state: 'MO' }, (_t, s) => {
      seen.push(s);
      return 1;
    });
    expect(seen).toEqual(['MO']);
  });
});
