import { ManualClock, systemClock } from './clock.js';

describe('clock', () => {
  it('calls an every() callback once per period passed on a manual clock, until cancelled', () => {
    const clock = new ManualClock(0);
    const calls: number[] = [];
    const cancel = clock.every(100, () => calls.push(clock.now()));
    clock.advance(99);
    expect(calls).toEqual([]);
    clock.advance(1);
    clock.advance(250);
    expect(calls).toEqual([100, 350, 350]);
    cancel();
    clock.advance(1000);
    expect(calls).toHaveLength(3);
  });

  it('repeats on the system clock until cancelled', async () => {
    let calls = 0;
    const cancel = systemClock.every(10, () => calls++);
    await new Promise((r) => setTimeout(r, 100));
    cancel();
    const seen = calls;
    expect(seen).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(seen);
  });
});
