import { randomUUID } from 'node:crypto';
import type { LocalEntryRepository, StoredLocalEntry } from '../store/local-entries.js';
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

/**
 * Entries made on the unit (policy 424.3(d): partial plates from a major crime; BOLOs). They live
 * in their own table, so a list refresh never drops them, and they carry who entered them.
 */
export class LocalEntryStore {
  /** @param rows where the entries are kept (store/local-entries.ts). */
  constructor(private readonly rows: LocalEntryRepository) {}

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
    this.rows.insert({
      id,
      plate,
      state: st.state,
      category,
      reason: input.reason.trim(),
      caseNumber: input.caseNumber?.trim() || null,
      notes: input.notes ?? '',
      expires: input.expires,
      createdAt: now,
      createdBy: actor.username,
    });
    return this.get(id)!;
  }

  /** Stamps an entry removed (kept for the audit trail). Returns false when there is no live entry with that id. */
  remove(actor: Actor, id: string, now: number): boolean {
    return this.rows.markRemoved(id, actor.username, now);
  }

  get(id: string): LocalEntryRecord | undefined {
    const r = this.rows.get(id);
    return r && toRecord(r);
  }

  /** Entries not removed and not expired at `now`. */
  live(now: number): LocalEntryRecord[] {
    return this.rows.live(now).map(toRecord);
  }

  /**
   * Claims the retrospective match of an entry: true for exactly one caller (daemon or CLI), by a
   * conditional UPDATE that SQLite serialises.
   */
  claimRetro(id: string, now: number): boolean {
    return this.rows.claimRetro(id, now);
  }

  /** Live entries whose retrospective match nobody has run yet. */
  unclaimedRetro(now: number): LocalEntryRecord[] {
    return this.rows.unclaimedRetro(now).map(toRecord);
  }

  all(): LocalEntryRecord[] {
    return this.rows.all().map(toRecord);
  }

  /** Changes whenever an entry is added or removed (by this process or the CLI). */
  generation(): string {
    return this.rows.generation();
  }
}

function toRecord(r: StoredLocalEntry): LocalEntryRecord {
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
      caseNumber: r.caseNumber,
      entered: r.createdAt,
      expires: r.expires,
      priority: null,
      notes: r.notes,
    },
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    removedAt: r.removedAt,
    removedBy: r.removedBy,
  };
}
