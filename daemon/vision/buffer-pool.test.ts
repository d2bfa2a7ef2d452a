import { Float32Pool } from './buffer-pool.js';

describe('Float32Pool', () => {
  it('hands a returned buffer out again, zeroed, and never the same buffer to two takers at once', () => {
    const pool = new Float32Pool();
    const a = pool.take(8);
    a.fill(3);
    pool.give(a);
    const b = pool.take(8);
    expect(b).toBe(a);
    expect(Array.from(b)).toEqual(new Array(8).fill(0));
    const c = pool.take(8);
    expect(c).not.toBe(b);
    expect(pool.take(4)).toHaveLength(4);
  });

  it('keeps only a few spares per length, and a buffer given twice is kept once', () => {
    const pool = new Float32Pool(1);
    const a = pool.take(8),
      b = pool.take(8);
    pool.give(a);
    pool.give(a);
    pool.give(b);
    expect(pool.take(8)).toBe(a);
    expect(pool.take(8)).not.toBe(b);
  });
});
