import type { Db } from './database.js';

/** A crop and what the low-space guard needs to know of its read. */
export interface CropRow {
  rowid: number;
  readId: string;
  plate: string;
  cameraId: string;
  lastSeen: number;
  bytes: number;
  hasHit: boolean;
}

/** Where a walk over crops, oldest first, stopped. */
export interface CropCursor {
  lastSeen: number;
  rowid: number;
}

export const CROP_CURSOR_START: CropCursor = { lastSeen: -Infinity, rowid: 0 };

/**
 * Plate crops (`read_crops`, migration 1) as the low-space guard sheds them: oldest first, the read
 * row itself always kept. Deleted pages go to the database's free list, which new reads reuse;
 * `freeBytes` counts them as free space.
 */
export class CropStore {
  private readonly oldest;
  private readonly freePages;
  private readonly pageSize;

  /** @param db an open database (migrations applied). */
  constructor(private readonly db: Db) {
    // CROSS JOIN keeps SQLite walking reads in time order on reads_by_time, rather than sorting
    // every crop for each batch.
    this.oldest = db.prepare(`SELECT r.rowid AS rowid, r.id AS read_id, r.plate AS plate, r.camera_id AS camera_id,
        r.last_seen AS last_seen, length(rc.jpeg) AS bytes,
        EXISTS (SELECT 1 FROM hits h WHERE h.read_id = r.id) AS has_hit
      FROM reads r INDEXED BY reads_by_time CROSS JOIN read_crops rc ON rc.read_id = r.id
      WHERE (r.last_seen, r.rowid) > (?, ?)
      ORDER BY r.last_seen, r.rowid LIMIT ?`);
    this.freePages = db.prepare('PRAGMA freelist_count').pluck();
    this.pageSize = db.prepare('PRAGMA page_size').pluck();
  }

  /** Up to `limit` crops after `cursor`, oldest read first. */
  oldestAfter(cursor: CropCursor, limit: number): CropRow[] {
    const rows = this.oldest.all(cursor.lastSeen, cursor.rowid, limit) as {
      rowid: number;
      read_id: string;
      plate: string;
      camera_id: string;
      last_seen: number;
      bytes: number;
      has_hit: number;
    }[];
    return rows.map((r) => ({
      rowid: r.rowid,
      readId: r.read_id,
      plate: r.plate,
      cameraId: r.camera_id,
      lastSeen: r.last_seen,
      bytes: r.bytes,
      hasHit: r.has_hit === 1,
    }));
  }

  /** Deletes the crops of these reads (the reads stay). Call inside the transaction that audits it. */
  remove(readIds: readonly string[]): number {
    if (readIds.length === 0) return 0;
    const del = this.db.prepare(`DELETE FROM read_crops WHERE read_id IN (${readIds.map(() => '?').join(',')})`);
    return del.run(...readIds).changes;
  }

  /** Bytes of free pages inside the database file (reused by the next inserts). */
  freeBytes(): number {
    return Number(this.freePages.get()) * Number(this.pageSize.get());
  }
}
