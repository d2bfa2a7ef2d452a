import type { Db } from './database.js';
import type { PlateRead } from './plate-read.js';
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

/** A plate to search for, as access/read-queries.ts parsed it: exact, or a GLOB with `*` and `?`. */
export interface PlateMatch {
  kind: 'exact' | 'glob';
  value: string;
}

/** What a plate search asks of the reads table (checked by access/read-queries.ts). */
export interface ReadSearch {
  plate?: PlateMatch | undefined;
  from: number;
  to: number;
  cameras?: readonly string[] | undefined;
  limit: number;
}

/** A canvass's bounding box: reads positioned inside it and seen in [from, to]. */
export interface ReadBox {
  from: number;
  to: number;
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
  cameras?: readonly string[] | undefined;
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
  private readonly byRowid;
  private readonly ofHitStmt;

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
    this.byRowid = db.prepare('SELECT * FROM reads WHERE rowid = ?');
    this.ofHitStmt = db.prepare('SELECT r.* FROM hits h JOIN reads r ON r.id = h.read_id WHERE h.id = ?');
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

  /** The read hit `hitId` was raised on, or undefined when the hit or its read is gone. */
  ofHit(hitId: string): StoredRead | undefined {
    const row = this.ofHitStmt.get(hitId) as ReadRow | undefined;
    return row && toStoredRead(row);
  }

  /** Reads matching a plate, window and cameras, newest first, at most `q.limit` (unaudited: for the audited path). */
  search(q: ReadSearch): StoredRead[] {
    const params: unknown[] = [];
    const where: string[] = [];
    let source = 'reads';
    if (q.plate) {
      if (q.plate.kind === 'exact') {
        where.push('plate = ?');
      } else {
        // GLOB cannot seek on a leading wildcard; scanning the narrow (plate, last_seen) index instead
        // of the table keeps a partial search over a million reads near 100 ms (see the bench).
        source = 'reads INDEXED BY reads_by_plate';
        where.push('plate GLOB ?');
      }
      params.push(q.plate.value);
    }
    where.push('last_seen BETWEEN ? AND ?');
    params.push(q.from, q.to);
    if (q.cameras?.length) {
      where.push(`camera_id IN (${q.cameras.map(() => '?').join(', ')})`);
      params.push(...q.cameras);
    }
    // Match and order inside the index (plate, last_seen, rowid), then fetch only the rows shown:
    // a partial plate can match tens of thousands of reads, and fetching each to sort them costs more
    // than the scan itself.
    const ids = this.db
      .prepare(`SELECT rowid AS rowid FROM ${source} WHERE ${where.join(' AND ')} ORDER BY last_seen DESC LIMIT ?`)
      .all(...params, q.limit) as { rowid: number }[];
    return ids.map((r) => toStoredRead(this.byRowid.get(r.rowid) as ReadRow));
  }

  /** Reads seen in the window whose position lies in the box, in no particular order (unaudited). */
  inBox(q: ReadBox): StoredRead[] {
    const params: unknown[] = [q.from, q.to, q.latMin, q.latMax, q.lonMin, q.lonMax];
    let cams = '';
    if (q.cameras?.length) {
      cams = ` AND camera_id IN (${q.cameras.map(() => '?').join(', ')})`;
      params.push(...q.cameras);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM reads WHERE last_seen BETWEEN ? AND ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?${cams}`,
      )
      .all(...params) as ReadRow[];
    return rows.map(toStoredRead);
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
