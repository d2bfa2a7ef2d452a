import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.js';
import { isCategory, type Category, type HotlistEntry } from './entry.js';
import { normalizePlate, normalizeState, plateProblem } from './normalize.js';

/** Who is doing it: an authenticated, trained user (policy 424.3(b),(e)); the caller checks that. */
export interface Actor {
  username: string;
}

export interface LocalEntryInput {
  plate: string;
  state?: string | null | undefined;
  category: string;
  reason: string;
  caseNumber?: string | null | undefined;
  notes?: string | undefined;
  /** Epoch ms; required, so a crime-scene partial plate cannot outlive its purpose silently. */
  expires: number;
}

export interface LocalEntryRecord {
  id: string;
  entry: HotlistEntry;
  createdAt: number;
  createdBy: string;
  removedAt: number | null;
  removedBy: string | null;
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

/**
 * Entries made on the unit (policy 424.3(d): partial plates from a major crime; BOLOs). They live
 * in their own table, so a list refresh never drops them, and they carry who entered them.
 */
export class LocalEntryStore {
  /** @param db an open database (see openDatabase). */
  constructor(private readonly db: Db) {}

  /** Validates and stores an entry; throws an Error naming the bad field. */
  add(actor: Actor, input: LocalEntryInput, now: number): LocalEntryRecord {
    if (!actor.username) throw new Error('a local entry needs the name of the user who makes it');
    const plate = normalizePlate(input.plate);
    const pp = plateProblem(plate);
    if (pp) throw new Error(`plate: ${pp}`);
    const st = normalizeState(input.state ?? '');
    if ('problem' in st) throw new Error(`state: ${st.problem}`);
    const category = input.category.trim().toLowerCase();
    if (!isCategory(category)) throw new Error(`category: unknown category "${input.category}"`);
    if (!input.reason.trim()) throw new Error('reason: say why the plate is wanted');
    if (!Number.isFinite(input.expires) || input.expires <= now) throw new Error('expires: must be in the future');
    const id = randomUUID();
    this.db
      .prepare(`INSERT INTO hotlist_local_entries (id, plate, state, category, reason, case_number, notes, expires, created_at, created_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        id,
        plate,
        st.state,
        category,
        input.reason.trim(),
        input.caseNumber?.trim() || null,
        input.notes ?? '',
        input.expires,
        now,
        actor.username,
      );
    return this.get(id)!;
  }

  /** Stamps an entry removed (kept for the audit trail). Returns false when there is no live entry with that id. */
  remove(actor: Actor, id: string, now: number): boolean {
    const r = this.db
      .prepare('UPDATE hotlist_local_entries SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL')
      .run(now, actor.username, id);
    return r.changes > 0;
  }

  get(id: string): LocalEntryRecord | undefined {
    const r = this.db.prepare('SELECT * FROM hotlist_local_entries WHERE id = ?').get(id) as LocalRow | undefined;
    return r && toRecord(r);
  }

  /** Entries not removed and not expired at `now`. */
  live(now: number): LocalEntryRecord[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM hotlist_local_entries WHERE removed_at IS NULL AND (expires IS NULL OR expires > ?) ORDER BY created_at',
        )
        .all(now) as LocalRow[]
    ).map(toRecord);
  }

  /**
   * Claims the retrospective match of an entry: true for exactly one caller (daemon or CLI), by a
   * conditional UPDATE that SQLite serialises.
   */
  claimRetro(id: string, now: number): boolean {
    return (
      this.db
        .prepare('UPDATE hotlist_local_entries SET retro_claimed_at = ? WHERE id = ? AND retro_claimed_at IS NULL')
        .run(now, id).changes > 0
    );
  }

  /** Live entries whose retrospective match nobody has run yet. */
  unclaimedRetro(now: number): LocalEntryRecord[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM hotlist_local_entries WHERE retro_claimed_at IS NULL AND removed_at IS NULL AND (expires IS NULL OR expires > ?)',
        )
        .all(now) as LocalRow[]
    ).map(toRecord);
  }

  all(): LocalEntryRecord[] {
    return (this.db.prepare('SELECT * FROM hotlist_local_entries ORDER BY created_at').all() as LocalRow[]).map(
      toRecord,
    );
  }

  /** Changes whenever an entry is added or removed (by this process or the CLI). */
  generation(): string {
    const r = this.db
      .prepare(
        'SELECT count(*) AS n, max(created_at) AS c, max(removed_at) AS r, sum(removed_at IS NOT NULL) AS k FROM hotlist_local_entries',
      )
      .get() as { n: number; c: number | null; r: number | null; k: number | null };
    return `${r.n}/${r.c ?? 0}/${r.r ?? 0}/${r.k ?? 0}`;
  }
}

function toRecord(r: LocalRow): LocalEntryRecord {
  return {
    id: r.id,
    entry: {
      key: `local:${r.id}`,
      plate: r.plate,
      state: r.state,
      category: r.category as Category,
      reason: r.reason,
      source: 'local',
      nic: null,
      ori: null,
      caseNumber: r.case_number,
      entered: r.created_at,
      expires: r.expires,
      priority: null,
      notes: r.notes,
    },
    createdAt: r.created_at,
    createdBy: r.created_by,
    removedAt: r.removed_at,
    removedBy: r.removed_by,
  };
}
