import type { ReadStore, StoredRead } from '../store/reads.js';
import { describeLocated } from '../position/fix.js';

/**
 * The rules of searches (policy 424.3(c),(d)): plate patterns, windows, limits and distances; the
 * SQL is ReadStore's. Unaudited on purpose: only AuditedAccess calls these, inside the
 * transaction that writes the audit entry.
 */
export interface ReadQuery {
  /** Exact plate, or a partial one with `*` (any run) and `?` (one character), e.g. `AB?12*`. */
  plate?: string | undefined;
  from: number;
  to: number;
  cameras?: string[] | undefined;
  limit?: number | undefined;
}

export interface CanvassQuery {
  lat: number;
  lon: number;
  radiusM: number;
  from: number;
  to: number;
  cameras?: string[] | undefined;
  limit?: number | undefined;
}

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;
export const MAX_CANVASS_RADIUS_M = 50_000;

export interface PlatePattern {
  kind: 'exact' | 'glob';
  /** Upper-case, spaces and dashes removed; `*`/`?` kept for a glob. */
  value: string;
}

/** Normalises a typed plate the way reads are stored (upper-case, no spaces or dashes); throws on other characters. */
export function parsePlatePattern(input: string): PlatePattern {
  const value = input.toUpperCase().replace(/[\s-]/g, '');
  if (!/^[A-Z0-9*?]{1,12}$/.test(value)) {
    throw new Error(
      `"${input}" is not a plate or partial plate: use letters, digits, * (any run) and ? (one character)`,
    );
  }
  if (/^[*?]+$/.test(value)) throw new Error(`"${input}" matches every plate: give at least one letter or digit`);
  return { kind: /[*?]/.test(value) ? 'glob' : 'exact', value };
}

export function checkWindow(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new Error('a time window needs --from and --to');
  if (to < from) throw new Error('the time window ends before it starts (--to is before --from)');
}

/** Reads matching a plate pattern, window and cameras, newest first, at most `limit`. */
export function searchReads(reads: ReadStore, q: ReadQuery): { reads: StoredRead[]; truncated: boolean } {
  checkWindow(q.from, q.to);
  const limit = clampLimit(q.limit);
  const found = reads.search({
    plate: q.plate ? parsePlatePattern(q.plate) : undefined,
    from: q.from,
    to: q.to,
    cameras: q.cameras,
    limit: limit + 1,
  });
  return { reads: found.slice(0, limit), truncated: found.length > limit };
}

/**
 * Reads taken within `radiusM` of a point during a window (a canvass around an incident, 424.3(d)),
 * nearest first. It searches where each read was made: a fixed camera's coordinates, or a patrol
 * car's GPS position at the moment of the read; `located` says which. Reads without a position (a
 * patrol car without a GPS fix) cannot be placed and are not found.
 */
export function canvassReads(
  reads: ReadStore,
  q: CanvassQuery,
): { reads: (StoredRead & { distanceM: number; located: string })[]; truncated: boolean } {
  checkWindow(q.from, q.to);
  if (!(Math.abs(q.lat) <= 90 && Math.abs(q.lon) <= 180))
    throw new Error(`${q.lat},${q.lon} is not a latitude,longitude`);
  if (!(q.radiusM > 0 && q.radiusM <= MAX_CANVASS_RADIUS_M))
    throw new Error(`the radius must be between 1 and ${MAX_CANVASS_RADIUS_M} metres`);
  const limit = clampLimit(q.limit);
  const dLat = q.radiusM / 111_320;
  const dLon = q.radiusM / (111_320 * Math.max(0.01, Math.cos((q.lat * Math.PI) / 180)));
  const box = reads.inBox({
    from: q.from,
    to: q.to,
    latMin: q.lat - dLat,
    latMax: q.lat + dLat,
    lonMin: q.lon - dLon,
    lonMax: q.lon + dLon,
    cameras: q.cameras,
  });
  const within = box
    .map((read) => ({
      ...read,
      distanceM: Math.round(haversineM(q.lat, q.lon, read.lat!, read.lon!)),
      located: describeLocated(read.position, read.positionStatus),
    }))
    .filter((r) => r.distanceM <= q.radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || b.lastSeen - a.lastSeen);
  return { reads: within.slice(0, limit), truncated: within.length > limit };
}

export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(a)));
}

function clampLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit ?? DEFAULT_LIMIT)));
}
