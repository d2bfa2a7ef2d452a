import type { Fix } from './fix.js';

/**
 * gpsd's JSON protocol (gpsd_json(5), https://gpsd.io/gpsd_json.html): the client sends
 * `?WATCH={"enable":true,"json":true}` and gpsd answers with one JSON object per line, each with a
 * "class". Only TPV (time-position-velocity) and SKY (satellites) matter here; VERSION, DEVICES,
 * WATCH and the rest are acknowledged and ignored.
 */
export const WATCH_COMMAND = '?WATCH={"enable":true,"json":true}\n';

/** A TPV report. `fix` is null when the receiver has none (mode 0 or 1) or the report lacks time or position. */
export interface TpvReport {
  kind: 'tpv';
  /** gpsd mode: 0 not seen yet, 1 no fix, 2 2D, 3 3D. */
  mode: number;
  fix: Fix | null;
}

/** A SKY report: satellites used in the fix and in view, when gpsd says. */
export interface SkyReport {
  kind: 'sky';
  used: number | null;
  visible: number | null;
}

export type GpsdReport = TpvReport | SkyReport | { kind: 'other'; cls: string };

/** Parses one line from gpsd; null when it is not a JSON object with a class (counted as malformed by the client). */
export function parseGpsdLine(line: string): GpsdReport | null {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const r = o as Record<string, unknown>;
  if (typeof r.class !== 'string') return null;
  if (r.class === 'TPV') return parseTpv(r);
  if (r.class === 'SKY') return parseSky(r);
  return { kind: 'other', cls: r.class };
}

function parseTpv(r: Record<string, unknown>): TpvReport {
  const mode = num(r.mode) ?? 0;
  const time = typeof r.time === 'string' ? Date.parse(r.time) : Number.NaN;
  const lat = num(r.lat);
  const lon = num(r.lon);
  if (mode < 2 || !Number.isFinite(time) || lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180)
    return { kind: 'tpv', mode, fix: null };
  // eph is gpsd's horizontal error estimate; older gpsd versions give only the per-axis epx/epy.
  const epx = num(r.epx);
  const epy = num(r.epy);
  const accuracyM = num(r.eph) ?? (epx !== null && epy !== null ? Math.hypot(epx, epy) : null);
  return {
    kind: 'tpv',
    mode,
    fix: {
      time,
      lat,
      lon,
      accuracyM,
      speedMps: num(r.speed),
      headingDeg: num(r.track),
      mode: mode >= 3 ? '3d' : '2d',
    },
  };
}

function parseSky(r: Record<string, unknown>): SkyReport {
  // gpsd 3.23+ counts for us (uSat, nSat); older versions only list the satellites with a "used" flag.
  const sats = Array.isArray(r.satellites) ? (r.satellites as Record<string, unknown>[]) : null;
  const used = num(r.uSat) ?? (sats ? sats.filter((s) => s && s.used === true).length : null);
  const visible = num(r.nSat) ?? (sats ? sats.length : null);
  return { kind: 'sky', used, visible };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Splits a TCP byte stream into lines. A line longer than `maxLength` (no gpsd report is near it)
 * is dropped and reported as one overlong line, so a peer that never sends a newline cannot grow
 * the buffer without bound.
 */
export class LineSplitter {
  private buf = '';
  private skipping = false;

  constructor(private readonly maxLength = 65_536) {}

  /** Feeds a chunk; returns complete lines (without CR/LF) and how many overlong lines were dropped. */
  push(chunk: string): { lines: string[]; overlong: number } {
    const lines: string[] = [];
    let overlong = 0;
    this.buf += chunk;
    for (;;) {
      const i = this.buf.indexOf('\n');
      if (i < 0) break;
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      if (this.skipping) this.skipping = false;
      else if (line.length > this.maxLength) overlong++;
      else if (line.trim()) lines.push(line);
    }
    if (this.buf.length > this.maxLength) {
      if (!this.skipping) overlong++;
      this.skipping = true;
      this.buf = '';
    }
    return { lines, overlong };
  }

  /** Forgets a partial line (on reconnect). */
  reset(): void {
    this.buf = '';
    this.skipping = false;
  }
}
