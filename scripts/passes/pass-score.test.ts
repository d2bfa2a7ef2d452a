import { scorePasses, shareWithInterval, summarisePasses, wilson } from './pass-score.js';

const passes = [
  { name: 'a.jpg', plate: 'ABC123', fromTs: 1000, toTs: 3200 },
  { name: 'b.jpg', plate: 'XYZ789', fromTs: 5200, toTs: 7400 },
  { name: 'c.jpg', plate: 'QRS456', fromTs: 9400, toTs: 11600 },
];

describe('reads per pass', () => {
  it('scores a pass read right once, a pass read twice and a pass missed', () => {
    const { outcomes, stray } = scorePasses(passes, [
      { text: 'ABC123', firstSeen: 1000, lastSeen: 3200 },
      // the second pass split into two tracks: the right read and a sticker beside the plate
      { text: '4MILE', firstSeen: 6000, lastSeen: 6400 },
      { text: 'XYZ789', firstSeen: 5200, lastSeen: 7400 },
    ]);
    expect(stray).toEqual([]);
    expect(outcomes).toEqual([
      { name: 'a.jpg', plate: 'ABC123', reads: ['ABC123'], right: true, extra: 0, missed: false },
      { name: 'b.jpg', plate: 'XYZ789', reads: ['XYZ789', '4MILE'], right: true, extra: 1, missed: false },
      { name: 'c.jpg', plate: 'QRS456', reads: [], right: false, extra: 0, missed: true },
    ]);
    expect(summarisePasses(outcomes)).toEqual({
      passes: 3,
      right: 2,
      clean: 1,
      readTwice: 1,
      wrongOnly: 0,
      missed: 1,
      extraReads: 1,
      stray: 0,
    });
  });

  it('counts a wrong read as extra and not right, and a read between passes as stray', () => {
    const { outcomes, stray } = scorePasses(passes, [
      { text: 'A8C123', firstSeen: 1200, lastSeen: 3000 },
      { text: 'ABC123', firstSeen: 3600, lastSeen: 4000 },
    ]);
    expect(stray.map((r) => r.text)).toEqual(['ABC123']);
    const s = summarisePasses(outcomes, stray.length);
    expect(s).toMatchObject({ right: 0, wrongOnly: 1, missed: 2, extraReads: 1, stray: 1 });
  });

  it('gives a read that spans a pass boundary to the pass it overlaps first', () => {
    const { outcomes } = scorePasses(passes, [{ text: 'XYZ789', firstSeen: 7000, lastSeen: 9600 }]);
    expect(outcomes.map((o) => o.reads.length)).toEqual([0, 1, 0]);
  });
});

describe('Wilson interval', () => {
  it('matches published values and stays inside [0, 1]', () => {
    const half = wilson(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 3);
    expect(half.high).toBeCloseTo(0.7634, 3);
    const none = wilson(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 3);
    expect(wilson(111, 111).high).toBe(1);
  });

  it('prints a share with its interval and counts', () => {
    expect(shareWithInterval(97, 111)).toBe('87.4 % (95 % CI 79.9–92.3 %, 97 of 111)');
  });
});
