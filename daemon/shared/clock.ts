/** The time port: everything that waits or stamps goes through a Clock so tests can control time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fn` every `ms` until the returned function is called. Periodic work in a service goes
   * through here (not setInterval) so tests move it with the clock. The timer does not keep the
   * process alive.
   */
  every(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** A clock whose time only moves when a test says so. */
export class ManualClock implements Clock {
  private waiters: { at: number; resolve: () => void }[] = [];
  private repeating = new Set<{ next: number; ms: number; fn: () => void }>();
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      this.waiters.push({ at: this.t + ms, resolve });
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  every(ms: number, fn: () => void): () => void {
    const entry = { next: this.t + ms, ms: Math.max(1, ms), fn };
    this.repeating.add(entry);
    return () => this.repeating.delete(entry);
  }
  /** Moves time on: resolves the sleeps that are due, and calls each `every` callback once per period passed. */
  advance(ms: number): void {
    this.t += ms;
    const due = this.waiters.filter((w) => w.at <= this.t);
    this.waiters = this.waiters.filter((w) => w.at > this.t);
    for (const w of due) w.resolve();
    for (const r of [...this.repeating]) {
      while (r.next <= this.t && this.repeating.has(r)) {
        r.next += r.ms;
        r.fn();
      }
    }
  }
}
