import type { Position } from '../../../daemon/api/web-contract.js';

/** Formatting for people. Every function takes the time zone so tests can pin it; the page passes the browser's. */
export interface FormatOptions {
  /** IANA zone; undefined: the browser's own. */
  timeZone?: string | undefined;
}

/** "14:30:05" for today's times, "Nov 27 14:30:05" for older ones. */
export function formatTime(iso: string, now: number, o: FormatOptions = {}): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const time = new Intl.DateTimeFormat('en-US', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone: o.timeZone,
  }).format(t);
  const day = (ms: number) =>
    new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: o.timeZone }).format(ms);
  return day(t) === day(now) ? time : `${day(t)} ${time}`;
}

/** "45 s", "12 min", "3 h", "2 d". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** "1.2 GB" (decimal units, as disks are sold). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'unknown';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

/** "39.74110, -105.51720". */
export function formatLatLon(lat: number, lon: number): string {
  return `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
}

/** How a read was located, in words: "fixed camera", "GPS 3D fix, ±8 m", "no position (no GPS fix)". */
export function describeLocated(p: Position | null, status: 'ok' | 'no_fix' | 'stale' | null): string {
  if (!p) {
    if (status === 'stale') return 'no position (GPS fix too old)';
    if (status === 'no_fix') return 'no position (no GPS fix)';
    return 'no position';
  }
  if (p.source === 'camera') return 'fixed camera';
  const parts = [`GPS ${p.fix_mode === '3d' ? '3D' : '2D'} fix`];
  if (p.accuracy_m !== null) parts.push(`±${Math.round(p.accuracy_m)} m`);
  if (p.fix_age_s !== null && p.fix_age_s >= 1.5) parts.push(`fix ${Math.round(p.fix_age_s)} s old`);
  return parts.join(', ');
}

/** `datetime-local` input value (local time, minutes) for an epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** ISO time from a `datetime-local` value (read in the browser's zone), or null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}
