/**
 * Turns cumulative counters (a pipeline's frames analysed so far) into per-second rates between
 * two calls, for the health topic's per-camera fps. The first call for a key returns 0.
 */
export class RateMeter {
  private readonly last = new Map<string, { count: number; at: number }>();

  rate(key: string, count: number, now: number): number {
    const prev = this.last.get(key);
    this.last.set(key, { count, at: now });
    if (!prev || now <= prev.at || count < prev.count) return 0;
    return ((count - prev.count) * 1000) / (now - prev.at);
  }
}
