import type { Db } from './database.js';

export type VersionOutcome = 'loaded' | 'refused' | 'failed';

/** One fetch of one source: what came, how much of it loaded, and why rows were rejected. */
export interface ListVersion {
  id: string;
  sourceId: string;
  format: string;
  /** File path or URL (credentials stripped). */
  origin: string;
  fetchedAt: number;
  outcome: VersionOutcome;
  rowsTotal: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** The first rejected rows (at most 200), `file:line: reason` each. */
  errors: string[];
  message: string;
  etag: string | null;
  lastModified: string | null;
  sha256: string | null;
  /** When the content was last known current: download or 304 time (URL), modification time (file). Age counts from here. */
  asOf: number;
}

/** Rejected rows kept per version record. */
export const MAX_VERSION_ERRORS = 200;

interface VersionRow {
  id: string;
  source_id: string;
  format: string;
  origin: string;
  fetched_at: number;
  outcome: VersionOutcome;
  rows_total: number;
  rows_loaded: number;
  rows_rejected: number;
  errors_json: string;
  message: string;
  etag: string | null;
  last_modified: string | null;
  sha256: string | null;
  as_of: number;
}

/** The version records a source's sync writes and the API lists. */
export interface HotlistVersionRepository {
  record(v: ListVersion): void;
  /** Moves a loaded version's as-of time forward (the server answered 304, or the file was rewritten unchanged). */
  touch(id: string, asOf: number): void;
  /** The newest version of a source that loaded, or undefined. */
  latestLoaded(sourceId: string): ListVersion | undefined;
  /** Recent records of every source, newest first. */
  recent(limit?: number): ListVersion[];
}

/** Version records (table `hotlist_versions`, migration 011). */
export class VersionStore implements HotlistVersionRepository {
  /** @param db an open database (see openDatabase). */
  constructor(private readonly db: Db) {}

  record(v: ListVersion): void {
    this.db
      .prepare(`INSERT INTO hotlist_versions (id, source_id, format, origin, fetched_at, outcome, rows_total, rows_loaded,
        rows_rejected, errors_json, message, etag, last_modified, sha256, as_of)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        v.id,
        v.sourceId,
        v.format,
        v.origin,
        v.fetchedAt,
        v.outcome,
        v.rowsTotal,
        v.rowsLoaded,
        v.rowsRejected,
        JSON.stringify(v.errors.slice(0, MAX_VERSION_ERRORS)),
        v.message,
        v.etag,
        v.lastModified,
        v.sha256,
        v.asOf,
      );
  }

  /** Moves a loaded version's as-of time forward (the server answered 304, or the file was rewritten unchanged). */
  touch(id: string, asOf: number): void {
    this.db.prepare('UPDATE hotlist_versions SET as_of = max(as_of, ?) WHERE id = ?').run(asOf, id);
  }

  /** The newest version of a source that loaded, or undefined. */
  latestLoaded(sourceId: string): ListVersion | undefined {
    const r = this.db
      .prepare(
        "SELECT * FROM hotlist_versions WHERE source_id = ? AND outcome = 'loaded' ORDER BY fetched_at DESC, rowid DESC LIMIT 1",
      )
      .get(sourceId) as VersionRow | undefined;
    return r && toVersion(r);
  }

  /** Recent records of every source, newest first. */
  recent(limit = 50): ListVersion[] {
    return (
      this.db
        .prepare('SELECT * FROM hotlist_versions ORDER BY fetched_at DESC, rowid DESC LIMIT ?')
        .all(limit) as VersionRow[]
    ).map(toVersion);
  }
}

function toVersion(r: VersionRow): ListVersion {
  return {
    id: r.id,
    sourceId: r.source_id,
    format: r.format,
    origin: r.origin,
    fetchedAt: r.fetched_at,
    outcome: r.outcome,
    rowsTotal: r.rows_total,
    rowsLoaded: r.rows_loaded,
    rowsRejected: r.rows_rejected,
    errors: JSON.parse(r.errors_json) as string[],
    message: r.message,
    etag: r.etag,
    lastModified: r.last_modified,
    sha256: r.sha256,
    asOf: r.as_of,
  };
}
