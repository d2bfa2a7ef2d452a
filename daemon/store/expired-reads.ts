import type { Db } from './database.js';

/** A stored read as the purge weighs it: its row, plate, camera and when it was last seen. */
export interface PurgeCandidate {
  rowid: number;
  id: string;
  plate: string;
  camera_id: string;
  last_seen: number;
}

/** Where the purge's walk over expired reads has got to: the (last_seen, rowid) of the last row seen. */
export interface PurgeCursor {
  lastSeen: number;
  rowid: number;
}

/**
 * The retention purge's SQL (policy 424.4): expired reads oldest first, and deleting a batch of
 * them with everything that hangs off them (crops, hits and undelivered messages, by cascade and
 * by the outbox's ref_id) in one transaction.
 */
export class ExpiredReadStore {
  private readonly nextBatch;
  private readonly oldest;
  private readonly expiredSessions;
  private outboxPresent: boolean | undefined;

  /** Prepares its statements; no other I/O. */
  constructor(private readonly db: Db) {
    this.nextBatch = db.prepare(`SELECT rowid AS rowid, id, plate, camera_id, last_seen FROM reads
      WHERE last_seen < ? AND (last_seen > ? OR (last_seen = ? AND rowid > ?)) ORDER BY last_seen, rowid LIMIT ?`);
    this.oldest = db.prepare('SELECT min(last_seen) AS t FROM reads');
    this.expiredSessions = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  }

  /** Up to `limit` reads last seen before `cutoff`, after `cursor`, oldest first. */
  batchAfter(cutoff: number, cursor: PurgeCursor, limit: number): PurgeCandidate[] {
    return this.nextBatch.all(cutoff, cursor.lastSeen, cursor.lastSeen, cursor.rowid, limit) as PurgeCandidate[];
  }

  /** The oldest read still stored (its last_seen), or null when there is none. */
  oldestLastSeen(): number | null {
    return (this.oldest.get() as { t: number | null }).t;
  }

  /** Deletes these reads (by rowid) and what hangs off them, in one immediate transaction; returns the counts. */
  deleteReads(rowids: readonly number[]): { reads: number; crops: number; hits: number } {
    const { db } = this;
    const list = rowids.map((r) => Number(r)).join(',');
    return db
      .transaction(() => {
        const crops = (
          db
            .prepare(
              `SELECT count(*) AS n FROM read_crops WHERE read_id IN (SELECT id FROM reads WHERE rowid IN (${list}))`,
            )
            .get() as { n: number }
        ).n;
        const hits = (
          db
            .prepare(`SELECT count(*) AS n FROM hits WHERE read_id IN (SELECT id FROM reads WHERE rowid IN (${list}))`)
            .get() as { n: number }
        ).n;
        // Undelivered MQTT messages about these reads or their hits are ALPR data too (424.4);
        // the outbox keys them by ref_id for this purpose (alerts room, migration 12).
        if (this.hasOutbox()) {
          db.prepare(`DELETE FROM outbox WHERE ref_id IN (SELECT id FROM reads WHERE rowid IN (${list})
          UNION ALL SELECT h.id FROM hits h JOIN reads r ON r.id = h.read_id WHERE r.rowid IN (${list}))`).run();
        }
        const reads = db.prepare(`DELETE FROM reads WHERE rowid IN (${list})`).run().changes;
        return { reads, crops, hits };
      })
      .immediate();
  }

  /** Removes login sessions that have expired. */
  deleteExpiredSessions(now: number): void {
    this.expiredSessions.run(now);
  }

  private hasOutbox(): boolean {
    this.outboxPresent ??= Boolean(
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get(),
    );
    return this.outboxPresent;
  }
}
