import type { Db } from './database.js';
import { AGENCY_LEVELS, type AgencyLevel } from './releases.js';

export interface Agency {
  id: number;
  name: string;
  level: AgencyLevel;
  addedBy: string;
  addedAt: number;
}

interface AgencyRow {
  id: number;
  name: string;
  level: AgencyLevel;
  added_by: string;
  added_at: number;
}

/** The agency registry (policy 424.4): each agency's level, fixed by an administrator. Rows are never deleted. */
export class AgencyStore {
  /** @param db an open database (migrations applied). */
  constructor(private readonly db: Db) {}

  add(a: { name: string; level: string }, by: string, now: number): Agency {
    const name = a.name.trim().replace(/\s+/g, ' ');
    if (name.length < 2 || name.length > 120) throw new Error('give the agency name (2-120 characters)');
    if (!(AGENCY_LEVELS as readonly string[]).includes(a.level))
      throw new Error(`--level must be one of ${AGENCY_LEVELS.join(', ')}`);
    const existing = this.byName(name);
    if (existing) throw new Error(`agency "${existing.name}" is already registered (${existing.level})`);
    const id = this.db
      .prepare('INSERT INTO agencies (name, level, added_by, added_at) VALUES (?, ?, ?, ?)')
      .run(name, a.level, by, now).lastInsertRowid;
    return this.list().find((x) => x.id === Number(id))!;
  }

  byName(name: string): Agency | undefined {
    const row = this.db.prepare('SELECT * FROM agencies WHERE name = ?').get(name.trim().replace(/\s+/g, ' ')) as
      | AgencyRow
      | undefined;
    return row && toAgency(row);
  }

  list(): Agency[] {
    return (this.db.prepare('SELECT * FROM agencies ORDER BY name').all() as AgencyRow[]).map(toAgency);
  }
}

function toAgency(r: AgencyRow): Agency {
  return { id: r.id, name: r.name, level: r.level, addedBy: r.added_by, addedAt: r.added_at };
}
