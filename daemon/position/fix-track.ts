import type { Fix, FixMode, Located, ReadPosition } from './fix.js';

const EARTH_RADIUS_M = 6_371_000;
const DEG = 180 / Math.PI;

/**
 * The recent fixes of the unit's GPS and the moments it said it had none, and the position at a
 * given time. Pure (no I/O, no clock), so the rules below are tested on their own:
 *
 * - Between two fixes (normally 1 s apart) the position is interpolated linearly. Over a second
 *   a car on a curve strays from the chord by well under a metre.
 * - A read made after the newest fix (the next one has not arrived yet; gpsd reports a fix some
 *   tenths of a second after its time) or before the first is dead-reckoned from the nearest fix
 *   along its speed and course. A read is never held back waiting for the next fix.
 * - Nothing is extrapolated further than `maxAgeMs` (gps.max_fix_age_s): beyond it the read has
 *   no position, `stale` when a fix older than that exists, `no_fix` when none does.
 * - From the moment gpsd reports no fix, or the connection to gpsd is lost, until the next fix,
 *   reads are `no_fix`: a fix from before that is not carried forward.
 */
export class FixTrack {
  private fixes: Fix[] = [];
  /** Times (epoch ms) at which the receiver or gpsd was known to have no fix, oldest first. */
  private lost: number[] = [];

  /** @param keepMs how much history to keep; reads are finalised well within it (pipeline.max_track_s). */
  constructor(private readonly keepMs = 10 * 60_000) {}

  add(fix: Fix): void {
    let i = this.fixes.length;
    while (i > 0 && this.fixes[i - 1]!.time > fix.time) i--;
    if (i > 0 && this.fixes[i - 1]!.time === fix.time) this.fixes[i - 1] = fix;
    else this.fixes.splice(i, 0, fix);
    this.prune(fix.time);
  }

  /** Records that from `at` on there is no fix (gpsd says so, or is gone), until the next fix arrives. */
  markNoFix(at: number): void {
    const newest = this.fixes[this.fixes.length - 1];
    // `at` is the unit's clock; fix times are the receiver's, which may run ahead of it. Every fix
    // received so far came before the outage, so the outage starts after the newest of them:
    // otherwise a fix stamped a moment "after" it would end the outage again for a second.
    const from = newest && newest.time >= at ? newest.time + 1 : at;
    const lastLost = this.lost[this.lost.length - 1];
    // Only the first moment of an outage matters.
    if (lastLost !== undefined && (!newest || lastLost >= newest.time) && lastLost <= from) return;
    this.lost.push(from);
    this.lost.sort((a, b) => a - b);
  }

  latest(): Fix | undefined {
    return this.fixes[this.fixes.length - 1];
  }

  /** The position at `t` (epoch ms) by the rules above. */
  locate(t: number, maxAgeMs: number): Located {
    const i = this.lastAtOrBefore(t);
    const before = i >= 0 ? this.fixes[i] : undefined;
    const after = this.fixes[i + 1];
    const lostAt = this.lastLostAtOrBefore(t);
    if (lostAt !== undefined && (!before || lostAt >= before.time)) return { position: null, status: 'no_fix' };
    const ageBefore = before ? t - before.time : Number.POSITIVE_INFINITY;
    const ageAfter = after ? after.time - t : Number.POSITIVE_INFINITY;
    if (Math.min(ageBefore, ageAfter) > maxAgeMs) return { position: null, status: before ? 'stale' : 'no_fix' };
    if (before && after && after.time - before.time <= Math.max(2000, maxAgeMs)) {
      return { position: interpolate(before, after, t), status: 'ok' };
    }
    const nearest = ageBefore <= ageAfter ? before! : after!;
    return { position: deadReckon(nearest, t), status: 'ok' };
  }

  private lastAtOrBefore(t: number): number {
    let lo = 0;
    let hi = this.fixes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.fixes[mid]!.time <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private lastLostAtOrBefore(t: number): number | undefined {
    for (let i = this.lost.length - 1; i >= 0; i--) if (this.lost[i]! <= t) return this.lost[i];
    return undefined;
  }

  private prune(now: number): void {
    const cut = now - this.keepMs;
    let n = 0;
    // Keep the newest fix older than the cut: a read just inside the window may still need it.
    while (n < this.fixes.length - 1 && this.fixes[n + 1]!.time < cut) n++;
    if (n) this.fixes.splice(0, n);
    const oldest = this.fixes[0]?.time ?? now;
    this.lost = this.lost.filter((x) => x >= Math.min(oldest, cut));
  }
}

function interpolate(a: Fix, b: Fix, t: number): ReadPosition {
  const span = b.time - a.time;
  const f = span > 0 ? (t - a.time) / span : 0;
  const lerp = (x: number | null, y: number | null): number | null =>
    x === null || y === null ? (x ?? y) : x + (y - x) * f;
  return position({
    lat: a.lat + (b.lat - a.lat) * f,
    lon: a.lon + (b.lon - a.lon) * f,
    accuracyM:
      a.accuracyM === null || b.accuracyM === null ? (a.accuracyM ?? b.accuracyM) : Math.max(a.accuracyM, b.accuracyM),
    speedMps: lerp(a.speedMps, b.speedMps),
    headingDeg: lerpAngle(a.headingDeg, b.headingDeg, f),
    fixMode: worse(a.mode, b.mode),
    fixAgeS: Math.min(t - a.time, b.time - t) / 1000,
  });
}

/** Moves a fix along its course at its speed by (t - fix.time); standing still when either is unknown. */
function deadReckon(fix: Fix, t: number): ReadPosition {
  const dt = (t - fix.time) / 1000;
  const d = fix.speedMps !== null && fix.headingDeg !== null ? fix.speedMps * dt : 0;
  const h = ((fix.headingDeg ?? 0) * Math.PI) / 180;
  const lat = fix.lat + ((d * Math.cos(h)) / EARTH_RADIUS_M) * DEG;
  const lon = fix.lon + ((d * Math.sin(h)) / (EARTH_RADIUS_M * Math.cos((fix.lat * Math.PI) / 180))) * DEG;
  return position({
    lat,
    lon,
    accuracyM: fix.accuracyM,
    speedMps: fix.speedMps,
    headingDeg: fix.headingDeg,
    fixMode: fix.mode,
    fixAgeS: Math.abs(dt),
  });
}

function position(p: Omit<ReadPosition, 'source'>): ReadPosition {
  const r = (x: number | null, places: number): number | null =>
    x === null ? null : Math.round(x * 10 ** places) / 10 ** places;
  return {
    lat: r(p.lat, 7)!,
    lon: r(p.lon, 7)!,
    accuracyM: r(p.accuracyM, 1),
    speedMps: r(p.speedMps, 2),
    headingDeg: p.headingDeg === null ? null : r(((p.headingDeg % 360) + 360) % 360, 1),
    fixMode: p.fixMode,
    fixAgeS: r(p.fixAgeS, 2),
    source: 'gps',
  };
}

function lerpAngle(a: number | null, b: number | null, f: number): number | null {
  if (a === null || b === null) return a ?? b;
  const diff = ((((b - a) % 360) + 540) % 360) - 180;
  return a + diff * f;
}

function worse(a: FixMode | null, b: FixMode | null): FixMode | null {
  return a === '2d' || b === '2d' ? '2d' : (a ?? b);
}
