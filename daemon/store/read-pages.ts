import type { Db } from './database.js';

/** The columns of a stored read that matching needs, with its rowid (the page cursor). */
export interface ReadForScan {
  rowid: number;
  id: string;
  cameraId: string;
  plate: string;
  state: string | null;
  confidence: number;
  lastSeen: number;
  locationText: string;
  lat: number | null;
  lon: number | null;
}

/** Where a walk over stored reads in (last_seen, rowid) order stopped. */
export type ReadCursor = readonly [lastSeen: number, rowid: number];

/** Stored reads in time order, a page at a time (the retrospective scan of a new hotlist entry). */
export interface ReadPageRepository {
  /** Up to `limit` reads after `after` and seen at `until` or before, oldest first. */
  after(after: ReadCursor, until: number, limit: number): ReadForScan[];
}

interface PageRow {
  rid: number;
  id: string;
  camera_id: string;
  plate: string;
  state: string | null;
  confidence: number;
  last_seen: number;
  location_text: string;
  lat: number | null;
  lon: number | null;
}

/**
 * Table `reads`, read on the time index with only the columns a match needs (no crop). No
 * iterator stays open between pages: better-sqlite3 cannot write while one is.
 */
export class ReadPages implements ReadPageRepository {
  private readonly page;

  /** @param db an open database (see openDatabase). */
  constructor(db: Db) {
    this.page = db.prepare(
      'SELECT rowid AS rid, id, camera_id, plate, state, confidence, last_seen, location_text, lat, lon FROM reads ' +
        'WHERE (last_seen, rowid) > (?, ?) AND last_seen <= ? ORDER BY last_seen, rowid LIMIT ?',
    );
  }

  after(after: ReadCursor, until: number, limit: number): ReadForScan[] {
    return (this.page.all(after[0], after[1], until, limit) as PageRow[]).map((r) => ({
      rowid: r.rid,
      id: r.id,
      cameraId: r.camera_id,
      plate: r.plate,
      state: r.state,
      confidence: r.confidence,
      lastSeen: r.last_seen,
      locationText: r.location_text,
      lat: r.lat,
      lon: r.lon,
    }));
  }
}
