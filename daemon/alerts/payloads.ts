import type { ListStatus } from '../hotlist/hotlist-service.js';
import type { PositionStatus, ReadPosition } from '../position/fix.js';
import type { GpsHealth, GpsStatus } from '../position/gps-position.js';
import { positionFields, type PositionPayload } from './position-payload.js';

/**
 * Builders for every MQTT payload. Keys are snake_case; every payload has `v` (format version),
 * `type`, and, for events, a unique `id` so receivers can drop duplicates of an at-least-once
 * delivery. The hit payload's JSON Schema is config/mqtt-hit.schema.json; bump HIT_PAYLOAD_VERSION
 * and the schema together.
 */
export const HIT_PAYLOAD_VERSION = 1;

/** Policy 424.3(f): a deputy verifies with CBI before enforcement. On every hit, never optional. */
export const VERIFICATION_NOTICE = 'UNVERIFIED — confirm with CBI before enforcement (policy 424.3(f))';

export interface HitPayloadInput {
  hitId: string;
  readId: string;
  unitId: string;
  /** Read time (last frame of the pass), epoch ms. */
  readAt: number;
  /** When the hit was raised (later than readAt for a retrospective hit), epoch ms. */
  createdAt: number;
  camera: { id: string; name: string };
  location: { text: string; lat: number | null; lon: number | null };
  /** Where the read was made (camera coordinates or GPS); when absent, location's coordinates stand in. */
  position?: ReadPosition | null | undefined;
  positionStatus?: PositionStatus | null | undefined;
  plate: string;
  state: string | null;
  stateConfirmed: boolean;
  confidence: number;
  matchKind: 'exact' | 'wildcard' | 'lenient';
  retrospective: boolean;
  entry: {
    plate: string;
    state: string | null;
    category: string;
    reason: string;
    source: string;
    nic: string | null;
    case_number: string | null;
    expires: number | null;
    priority: number | null;
    notes: string;
  };
  list: { source: string; version: string; ageS: number; stale: boolean };
  cropJpeg: Uint8Array | null;
}

export interface HitPayload {
  v: number;
  type: 'hit';
  id: string;
  read_id: string;
  unit: string;
  ts: string;
  created_at: string;
  camera: { id: string; name: string };
  location: { text: string; lat: number | null; lon: number | null };
  position: PositionPayload | null;
  position_status: PositionStatus;
  plate: string;
  state: string | null;
  state_confirmed: boolean;
  confidence: number;
  match_kind: 'exact' | 'wildcard' | 'lenient';
  retrospective: boolean;
  category: string;
  reason: string;
  source: string;
  nic: string | null;
  entry: {
    plate: string;
    state: string | null;
    case_number: string | null;
    expires: string | null;
    priority: number | null;
    notes: string;
  };
  list: { source: string; version: string; age_s: number; stale: boolean };
  verification: { status: 'unverified'; notice: string };
  crop_jpeg_base64: string | null;
}

export function buildHitPayload(h: HitPayloadInput): HitPayload {
  return {
    v: HIT_PAYLOAD_VERSION,
    type: 'hit',
    id: h.hitId,
    read_id: h.readId,
    unit: h.unitId,
    ts: new Date(h.readAt).toISOString(),
    created_at: new Date(h.createdAt).toISOString(),
    camera: { id: h.camera.id, name: h.camera.name },
    location: h.location,
    ...positionFields(h.position, h.positionStatus, h.location),
    plate: h.plate,
    state: h.state,
    state_confirmed: h.stateConfirmed,
    confidence: Math.round(h.confidence * 1000) / 1000,
    match_kind: h.matchKind,
    retrospective: h.retrospective,
    category: h.entry.category,
    reason: h.entry.reason,
    source: h.entry.source,
    nic: h.entry.nic,
    entry: {
      plate: h.entry.plate,
      state: h.entry.state,
      case_number: h.entry.case_number,
      expires: h.entry.expires === null ? null : new Date(h.entry.expires).toISOString(),
      priority: h.entry.priority,
      notes: h.entry.notes,
    },
    list: { source: h.list.source, version: h.list.version, age_s: h.list.ageS, stale: h.list.stale },
    verification: { status: 'unverified', notice: VERIFICATION_NOTICE },
    crop_jpeg_base64: h.cropJpeg ? Buffer.from(h.cropJpeg).toString('base64') : null,
  };
}

/**
 * Retained on `status`. The last will carries the same shape with `state: offline`. `storage` is
 * the low-space guard's state: ok, shedding_crops, crops_refused or full.
 */
export function buildStatusPayload(
  unitId: string,
  state: 'online' | 'offline',
  now: number,
  lists: ListStatus[],
  storage = 'ok',
  /** A patrol car's GPS fix state (GpsPosition.status); absent on a fixed unit. */
  gps?: GpsStatus,
): {
  v: number;
  type: 'status';
  unit: string;
  state: 'online' | 'offline';
  ts: string;
  hotlists: ListStatus[];
  hotlists_stale: boolean;
  storage: string;
  gps?: GpsStatus;
} {
  return {
    v: 1,
    type: 'status',
    unit: unitId,
    state,
    ts: new Date(now).toISOString(),
    hotlists: lists,
    hotlists_stale: lists.some((l) => l.stale),
    storage,
    ...(gps ? { gps } : {}),
  };
}

export interface CameraHealth {
  id: string;
  fps: number;
  dropped_frames: number;
  connected?: boolean | undefined;
}

export interface HealthPayloadInput {
  unitId: string;
  now: number;
  uptimeS: number;
  cpuLoadPct: number | null;
  cpuTempC: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  diskPath: string;
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
  cameras: CameraHealth[];
  outboxDepth: number | null;
  /** The low-space guard and the reads waiting in memory; absent where no guard runs. */
  storage?: StorageHealth | undefined;
  /** A patrol car's GPS (GpsPosition.health); absent on a fixed unit. */
  gps?: GpsHealth | undefined;
}

export interface StorageHealth {
  state: string;
  free_bytes: number | null;
  floor_bytes: number | null;
  crops_shed: number;
  /** Reads (with their hits) that could not be stored yet and wait in memory. */
  unstored_reads: number;
}

export function buildHealthPayload(h: HealthPayloadInput): Record<string, unknown> {
  return {
    v: 1,
    type: 'health',
    unit: h.unitId,
    ts: new Date(h.now).toISOString(),
    uptime_s: Math.round(h.uptimeS),
    cpu: { load_pct: round1(h.cpuLoadPct), temp_c: round1(h.cpuTempC) },
    memory: { total_bytes: h.memTotalBytes, available_bytes: h.memAvailableBytes },
    disk: { path: h.diskPath, free_bytes: h.diskFreeBytes, total_bytes: h.diskTotalBytes },
    cameras: h.cameras.map((c) => ({ ...c, fps: round1(c.fps) })),
    outbox_depth: h.outboxDepth,
    ...(h.storage ? { storage: h.storage } : {}),
    ...(h.gps ? { gps: h.gps } : {}),
  };
}

export interface ReadPayloadInput {
  readId: string;
  unitId: string;
  readAt: number;
  camera: { id: string; name: string };
  location: { text: string; lat: number | null; lon: number | null };
  position?: ReadPosition | null | undefined;
  positionStatus?: PositionStatus | null | undefined;
  plate: string;
  state: string | null;
  confidence: number;
}

/** Optional `reads` topic: no crop (a central store fetches crops it needs through the API). */
export function buildReadPayload(r: ReadPayloadInput): Record<string, unknown> {
  return {
    v: 1,
    type: 'read',
    id: r.readId,
    unit: r.unitId,
    ts: new Date(r.readAt).toISOString(),
    camera: { id: r.camera.id, name: r.camera.name },
    location: r.location,
    ...positionFields(r.position, r.positionStatus, r.location),
    plate: r.plate,
    state: r.state,
    confidence: Math.round(r.confidence * 1000) / 1000,
  };
}

function round1(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10;
}
