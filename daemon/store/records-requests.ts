import type { Db } from './database.js';

export interface RecordsRequest {
  id: number;
  receivedAt: number;
  recordedBy: string;
  requester: string;
  organization: string;
  contact: string;
  description: string;
  routedToRole: 'records_manager';
  status: 'referred' | 'in_progress' | 'closed';
  handledBy: string | null;
  resolution: string | null;
  closedAt: number | null;
}

interface Row {
  id: number;
  received_at: number;
  recorded_by: string;
  requester: string;
  organization: string;
  contact: string;
  description: string;
  routed_to_role: 'records_manager';
  status: RecordsRequest['status'];
  handled_by: string | null;
  resolution: string | null;
  closed_at: number | null;
}

/**
 * Non-law-enforcement requests for ALPR data (policy 424.5(a)): recorded and referred to the
 * Records Manager. Nothing here reads the reads table: a request never returns data.
 */
export class RecordsRequestStore {
  /** @param db an open database (migrations applied). */
  constructor(private readonly db: Db) {}

  record(
    r: { requester: string; organization?: string; contact?: string; description: string },
    by: string,
    now: number,
  ): RecordsRequest {
    if (!r.requester.trim()) throw new Error('record who is asking (--requester NAME)');
    if (!r.description.trim()) throw new Error('record what they ask for (--description TEXT)');
    const id = Number(
      this.db
        .prepare(
          'INSERT INTO records_requests (received_at, recorded_by, requester, organization, contact, description) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(now, by, r.requester, r.organization ?? '', r.contact ?? '', r.description).lastInsertRowid,
    );
    return this.get(id)!;
  }

  get(id: number): RecordsRequest | undefined {
    const row = this.db.prepare('SELECT * FROM records_requests WHERE id = ?').get(id) as Row | undefined;
    return row && toRequest(row);
  }

  list(opts: { open?: boolean } = {}): RecordsRequest[] {
    const rows = this.db
      .prepare(`SELECT * FROM records_requests ${opts.open ? "WHERE status != 'closed'" : ''} ORDER BY id`)
      .all() as Row[];
    return rows.map(toRequest);
  }

  between(from: number, to: number): RecordsRequest[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM records_requests WHERE (received_at >= ? AND received_at < ?) OR (closed_at >= ? AND closed_at < ?) ORDER BY id',
        )
        .all(from, to, from, to) as Row[]
    ).map(toRequest);
  }

  update(id: number, status: 'in_progress' | 'closed', by: string, resolution: string, now: number): RecordsRequest {
    const r = this.get(id);
    if (!r) throw new Error(`no records request ${id}`);
    if (r.status === 'closed') throw new Error(`records request ${id} is already closed`);
    if (status === 'closed' && !resolution.trim()) throw new Error('say how it was resolved (--resolution TEXT)');
    this.db
      .prepare('UPDATE records_requests SET status = ?, handled_by = ?, resolution = ?, closed_at = ? WHERE id = ?')
      .run(status, by, resolution || null, status === 'closed' ? now : null, id);
    return this.get(id)!;
  }
}

function toRequest(r: Row): RecordsRequest {
  return {
    id: r.id,
    receivedAt: r.received_at,
    recordedBy: r.recorded_by,
    requester: r.requester,
    organization: r.organization,
    contact: r.contact,
    description: r.description,
    routedToRole: r.routed_to_role,
    status: r.status,
    handledBy: r.handled_by,
    resolution: r.resolution,
    closedAt: r.closed_at,
  };
}
