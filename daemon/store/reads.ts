import type { Db } from './database.js';
import type { PlateRead } from '../pipeline/plate-read.js';
import type { FixMode, PositionStatus, ReadPosition } from '../position/fix.js';

export interface StoredRead {
  id: string;
  cameraId: string;
  plate: string;
  state: string | null;
  confidence: number;
  alternatives: { text: string; confidence: number }[];
  firstSeen: number;
  lastSeen: number;
  frames: number;
  box: { x: number; y: number; w: number; h: number };
  frameWidth: number;
  frameHeight: number;
  locationText: string;
  lat: number | null;
  lon: number | null;
  /** Time of the best frame, where the position was taken; null for reads stored before positions were. */
  bestSeen: number | null;
  /** Where the read was made and how that is known; null when it is not known (see positionStatus). */
  position: ReadPosition | null;
  /** null only for old reads of a camera without coordinates. */
  positionStatus: PositionStatus | null;
}

export interface ReadLocation {
  text: string;
  lat?: number | undefined;
  lon?: number | undefined;
}

interface ReadRow {
  id: string;
  camera_id: string;
  plate: string;
  state: string | null;
  confidence: number;
  alternatives: string;
  first_seen: number;
  last_seen: number;
  frames: number;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  frame_w: number;
  frame_h: number;
  location_text: string;
  lat: number | null;
  lon: number | null;
  best_seen: number | null;
  accuracy_m: number | null;
  speed_mps: number | null;
  heading_deg: number | null;
  fix_mode: FixMode | null;
  fix_age_s: number | null;
  position_status: PositionStatus | null;
  position_source: ReadPosition['source'] | null;
}

/** The reads table, for the pipeline (insert) and the audited access path (queries). */
export class ReadStore {
  private readonly insertRead;
  private readonly insertCrop;
  private readonly byId;
  private readonly cropById;

  /** @param db an open database (see openDatabase). */
  constructor(private readonly db: Db) {
    this.insertRead = db.prepare(`INSERT INTO reads
      (id, camera_id, plate, state, confidence, alternatives, first_seen, last_seen, frames,
       box_x, box_y, box_w, box_h, frame_w, frame_h, location_text, lat, lon, created_at,
       best_seen, accuracy_m, speed_mps, heading_deg, fix_mode, fix_age_s, position_status, position_source)
      VALUES (@id, @camera_id, @plate, @state, @confidence, @alternatives, @first_seen, @last_seen, @frames,
       @box_x, @box_y, @box_w, @box_h, @frame_w, @frame_h, @location_text, @lat, @lon, @created_at,
       @best_seen, @accuracy_m, @speed_mps, @heading_deg, @fix_mode, @fix_age_s, @position_status, @position_source)`);
    this.insertCrop = db.prepare('INSERT INTO read_crops (read_id, jpeg) VALUES (?, ?)');
    this.byId = db.prepare('SELECT * FROM reads WHERE id = ?');
    this.cropById = db.prepare('SELECT jpeg FROM read_crops WHERE read_id = ?');
  }

  /**
   * Stores a read and its crop in one transaction. Call inside a wider transaction to add hits
   * atomically. `withCrop: false` (the disk is low) stores the read row alone. The read's own
   * position (PositionStampingSink) wins; without one, a camera location with coordinates locates it.
   */
  insert(read: PlateRead, location: ReadLocation, now: number, opts: { withCrop?: boolean } = {}): void {
    const at = positionColumns(read, location);
    this.db.transaction(() => {
      this.insertRead.run({
        id: read.id,
        camera_id: read.cameraId,
        plate: read.text,
        state: read.state,
        confidence: read.confidence,
        alternatives: JSON.stringify(read.alternatives),
        first_seen: read.firstSeen,
        last_seen: read.lastSeen,
        frames: read.frames,
        box_x: Math.round(read.box.x),
        box_y: Math.round(read.box.y),
        box_w: Math.round(read.box.w),
        box_h: Math.round(read.box.h),
        frame_w: read.frameWidth,
        frame_h: read.frameHeight,
        location_text: location.text,
        created_at: now,
        best_seen: read.bestSeen ?? null,
        ...at,
      });
      if (opts.withCrop !== false) this.insertCrop.run(read.id, Buffer.from(read.cropJpeg));
    })();
  }

  has(id: string): boolean {
    return this.byId.get(id) !== undefined;
  }

  get(id: string): StoredRead | undefined {
    const row = this.byId.get(id) as ReadRow | undefined;
    return row && toStoredRead(row);
  }

  crop(id: string): Buffer | undefined {
    return (this.cropById.get(id) as { jpeg: Buffer } | undefined)?.jpeg;
  }

  /** Reads of a time window, oldest first (unaudited: for the pipeline, tests and the audited path only). */
  between(from: number, to: number, cameraId?: string): StoredRead[] {
    const rows = cameraId
      ? this.db
          .prepare('SELECT * FROM reads WHERE last_seen BETWEEN ? AND ? AND camera_id = ? ORDER BY last_seen')
          .all(from, to, cameraId)
      : this.db.prepare('SELECT * FROM reads WHERE last_seen BETWEEN ? AND ? ORDER BY last_seen').all(from, to);
    return (rows as ReadRow[]).map(toStoredRead);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM reads').get() as { n: number }).n;
  }
}

export function toStoredRead(r: ReadRow): StoredRead {
  return {
    id: r.id,
    cameraId: r.camera_id,
    plate: r.plate,
    state: r.state,
    confidence: r.confidence,
    alternatives: JSON.parse(r.alternatives) as StoredRead['alternatives'],
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    frames: r.frames,
    box: { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h },
    frameWidth: r.frame_w,
    frameHeight: r.frame_h,
    locationText: r.location_text,
    lat: r.lat,
    lon: r.lon,
    bestSeen: r.best_seen,
    position:
      r.lat === null || r.lon === null
        ? null
        : {
            lat: r.lat,
            lon: r.lon,
            accuracyM: r.accuracy_m,
            speedMps: r.speed_mps,
            headingDeg: r.heading_deg,
            fixMode: r.fix_mode,
            fixAgeS: r.fix_age_s,
            source: r.position_source ?? 'camera',
          },
    positionStatus: r.position_status,
  };
}

function positionColumns(read: PlateRead, location: ReadLocation) {
  const p: ReadPosition | null =
    read.positionStatus !== undefined
      ? (read.position ?? null)
      : location.lat !== undefined && location.lon !== undefined
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
    lat: p?.lat ?? null,
    lon: p?.lon ?? null,
    accuracy_m: p?.accuracyM ?? null,
    speed_mps: p?.speedMps ?? null,
    heading_deg: p?.headingDeg ?? null,
    fix_mode: p?.fixMode ?? null,
    fix_age_s: p?.fixAgeS ?? null,
    position_status: read.positionStatus ?? (p ? 'ok' : null),
    position_source: p?.source ?? null,
  };
}
export type { ReadRow };
