import type { PositionStatus, ReadPosition } from '../position/fix.js';

/** A read's position on MQTT (hits and reads): snake_case, null when the read has none. */
export interface PositionPayload {
  lat: number;
  lon: number;
  accuracy_m: number | null;
  speed_mps: number | null;
  heading_deg: number | null;
  fix_mode: '2d' | '3d' | null;
  fix_age_s: number | null;
  source: 'camera' | 'gps';
}

/** The position fields of a hit or read message. Without a stamped position, a camera location with coordinates stands in. */
export function positionFields(
  position: ReadPosition | null | undefined,
  status: PositionStatus | null | undefined,
  location: { lat: number | null; lon: number | null },
): { position: PositionPayload | null; position_status: PositionStatus } {
  const p: ReadPosition | null =
    position !== undefined
      ? position
      : location.lat !== null && location.lon !== null
        ? {
            lat: location.lat,
            lon: location.lon,
            accuracyM: null,
            speedMps: null,
            headingDeg: null,
            fixMode: null,
            fixAgeS: null,
            source: 'camera',
          }
        : null;
  return {
    position: p && {
      lat: p.lat,
      lon: p.lon,
      accuracy_m: p.accuracyM,
      speed_mps: p.speedMps,
      heading_deg: p.headingDeg,
      fix_mode: p.fixMode,
      fix_age_s: p.fixAgeS,
      source: p.source,
    },
    position_status: p ? 'ok' : status && status !== 'ok' ? status : 'no_fix',
  };
}
