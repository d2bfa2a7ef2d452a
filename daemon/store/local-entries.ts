import type { Db } from './database.js';

/** A hotlist entry made on the unit, as stored (table `hotlist_local_entries`). */
export interface StoredLocalEntry {
  id: string;
  plate: string;
  state: string | null;
  category: string;
  reason: string;
  caseNumber: string | null;
  notes: string;
  expires: number | null;
  createdAt: number;
  createdBy: string;
  removedAt: number | null;
  removedBy: string | null;
}

/** What an insert needs: a validated entry and who made it. */
export type NewLocalEntry = Omit<StoredLocalEntry, 'removedAt' | 'removedBy'>;

/** The local entries' rows; hotlist/local-entries.ts validates before it writes. */
export interface LocalEntryRepository {
  insert(e: NewLocalEntry): void;
  /** Stamps a live entry removed; false when there is no live entry with that id. */
  markRemoved(id: string, by: string, now: number): boolean;
  get(id: string): StoredLocalEntry | undefined;
  /** Entries not removed and not expired at `now`, oldest first. */
  live(now: number): StoredLocalEntry[];
  /** True for exactly one caller: a conditional UPDATE that SQLite serialises. */
  claimRetro(id: string, now: number): boolean;
  /** Live entries whose retrospective match nobody has claimed yet. */
  unclaimedRetro(now: number): StoredLocalEntry[];
  all(): StoredLocalEntry[];
  /** Changes whenever an entry is added or removed (by any process). */
  generation(): string;
}

interface LocalRow {
  id: string;
  plate: string;
  state: string | null;
  category: string;
  reason: string;
  case_number: string | null;
  notes: string;
  expires: number | null;
  created_at: number;
  created_by: string;
  removed_at: number | null;
  removed_by: string | null;
}

/** Table `hotlist_local_entries`. */
export class LocalEntryRows implements LocalEntryRepository {
  /** @param db an open database (see openDatabase). */
  constructor(private readonly db: Db) {}

  insert(e: NewLocalEntry): void {
    this.db
      .prepare(`INSERT INTO hotlist_local_entries (id, plate, state, category, reason, case_number, notes, expires, created_at, created_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(e.id, e.plate, e.state, e.category, e.reason, e.caseNumber, e.notes, e.expires, e.createdAt, e.createdBy);
  }

  markRemoved(id: string, by: string, now: number): boolean {
    const r = this.db
      .prepare('UPDATE hotlist_local_entries SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL')
      .run(now, by, id);
    return r.changes > 0;
  }

  get(id: string): StoredLocalEntry | undefined {
    const r = this.db.prepare('SELECT * FROM hotlist_local_entries WHERE id = ?').get(id) as LocalRow | undefined;
    return r && toEntry(r);
  }

  live(now: number): StoredLocalEntry[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM hotlist_local_entries WHERE removed_at IS NULL AND (expires IS NULL OR expires > ?) ORDER BY created_at',
        )
        .all(now) as LocalRow[]
    ).map(toEntry);
  }

  claimRetro(id: string, now: number): boolean {
    return (
      this.db
        .prepare('UPDATE hotlist_local_entries SET retro_claimed_at = ? WHERE id = ? AND retro_claimed_at IS NULL')
        .run(now, id).changes > 0
    );
  }

  unclaimedRetro(now: number): StoredLocalEntry[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM hotlist_local_entries WHERE retro_claimed_at IS NULL AND removed_at IS NULL AND (expires IS NULL OR expires > ?)',
        )
        .all(now) as LocalRow[]
    ).map(toEntry);
  }

  all(): StoredLocalEntry[] {
    return (this.db.prepare('SELECT * FROM hotlist_local_entries ORDER BY created_at').all() as LocalRow[]).map(
      toEntry,
    );
  }

  generation(): string {
    const r = this.db
      .prepare(
        'SELECT count(*) AS n, max(created_at) AS c, max(removed_at) AS r, sum(removed_at IS NOT NULL) AS k FROM hotlist_local_entries',
      )
      .get() as { n: number; c: number | null; r: number | null; k: number | null };
    return `${r.n}/${r.c ?? 0}/${r.r ?? 0}/${r.k ?? 0}`;
  }
}

function toEntry(r: LocalRow): StoredLocalEntry {
  return {
    id: r.id,
    plate: r.plate,
    state: r.state,
    category: r.category,
    reason: r.reason,
    caseNumber: r.case_number,
    notes: r.notes,
    expires: r.expires,
    createdAt: r.created_at,
    createdBy: r.created_by,
    removedAt: r.removed_at,
    removedBy: r.removed_by,
  };
}
