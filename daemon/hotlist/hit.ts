import type { PositionStatus, ReadPosition } from '../position/fix.js';
import type { ActiveList } from './active-list.js';
import type { Match } from './matcher.js';

/**
 * The hit types both sides share: hotlist/ decides which reads hit (HitDecider), alerts/ records
 * and delivers them (alerts/hit-recorder.ts). They live here so alerts/ imports hotlist/, never the
 * other way round.
 */

/** The part of a stored read matching and recording need (StoredRead has all of it; cropJpeg is optional). */
export interface ReadForMatching {
  id: string;
  cameraId: string;
  plate: string;
  state: string | null;
  confidence: number;
  lastSeen: number;
  locationText?: string | undefined;
  lat?: number | null | undefined;
  lon?: number | null | undefined;
  /** Where the read was made (StoredRead.position); when absent, lat/lon stand in. */
  position?: ReadPosition | null | undefined;
  positionStatus?: PositionStatus | null | undefined;
  /** The plate crop; when absent the recorder loads it from `read_crops` (only for a hit). */
  cropJpeg?: Uint8Array | undefined;
}

export interface CameraInfo {
  id: string;
  name: string;
}

/** One active list's match for a read. */
export interface FoundMatch {
  match: Match;
  list: ActiveList;
}

/** A hit once it is recorded: what the pipeline, the metrics and the log are told. */
export interface RecordedHit {
  hitId: string;
  readId: string;
  match: Match;
  list: { sourceId: string; versionId: string; ageS: number; stale: boolean };
  retrospective: boolean;
}

/**
 * Where retrospective hits go (a new list version or local entry matched against stored reads):
 * the composition root connects the hit recorder here. Returns the hits it recorded.
 */
export interface RetroHitSink {
  recordRetrospective(read: ReadForMatching, found: FoundMatch[]): RecordedHit[];
}
