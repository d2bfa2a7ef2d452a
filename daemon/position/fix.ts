/** 2D: latitude and longitude only; 3D: with altitude (more satellites, usually better accuracy). */
export type FixMode = '2d' | '3d';

/** One position report of the unit's GPS receiver (a gpsd TPV with a 2D or 3D fix). */
export interface Fix {
  /** GPS time of the fix, epoch ms. */
  time: number;
  lat: number;
  lon: number;
  /** Horizontal error estimate, metres (gpsd eph, about 95 % confidence); null when not reported. */
  accuracyM: number | null;
  /** Speed over ground, m/s. */
  speedMps: number | null;
  /** Course over ground, degrees from true north. */
  headingDeg: number | null;
  mode: FixMode;
}

/** Where a read was made and how that is known. */
export interface ReadPosition {
  lat: number;
  lon: number;
  accuracyM: number | null;
  speedMps: number | null;
  /** The patrol car's course (GPS); null for a fixed camera. */
  headingDeg: number | null;
  /** null for a fixed camera. */
  fixMode: FixMode | null;
  /** Seconds between the read and the nearest GPS fix its position comes from; null for a fixed camera. */
  fixAgeS: number | null;
  /** camera: the fixed camera's configured coordinates; gps: the patrol car's GPS at the read's time. */
  source: 'camera' | 'gps';
}

/**
 * ok: the read has a position. no_fix: the GPS had no fix at the read's time (gpsd unreachable,
 * the receiver reported no fix, or no fix yet). stale: the newest fix was older than
 * gps.max_fix_age_s (the receiver stopped reporting).
 */
export type PositionStatus = 'ok' | 'no_fix' | 'stale';

/** A read's position, or why it has none. `position` is null unless `status` is ok. */
export interface Located {
  position: ReadPosition | null;
  status: PositionStatus;
}

/** The part of a camera's config that locates its reads. */
export interface LocatedCamera {
  id: string;
  location: { lat?: number | undefined; lon?: number | undefined };
}

/** Finds the position of a read made at `t` (epoch ms) by `camera`. Synchronous: a read never waits for GPS. */
export type Locator = (t: number, camera: LocatedCamera) => Located;

/** How a read was located, in words for people (canvass results, reports). */
export function describeLocated(p: ReadPosition | null, status: PositionStatus | null): string {
  if (!p)
    return status === 'stale'
      ? 'no position (GPS fix too old)'
      : status === 'no_fix'
        ? 'no position (no GPS fix)'
        : 'no position';
  if (p.source === 'camera') return 'fixed camera';
  const age = p.fixAgeS !== null && p.fixAgeS >= 1.5 ? `, fix ${Math.round(p.fixAgeS)} s old` : '';
  return `GPS ${p.fixMode === '3d' ? '3D' : '2D'} fix${age}`;
}
