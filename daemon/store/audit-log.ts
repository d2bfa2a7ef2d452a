import { createHash } from 'node:crypto';
import type { Db } from './database.js';

/** What one audit entry says: who did what, why, with which query, and how much it returned. */
export interface AuditEntryInput {
  at: number;
  username: string;
  role: string;
  action: string;
  outcome: 'allowed' | 'refused' | 'failed';
  purposeCategory?: string | null | undefined;
  caseNumber?: string | null | undefined;
  query?: Record<string, unknown> | undefined;
  resultCount?: number | undefined;
  detail?: Record<string, unknown> | undefined;
}

export interface AuditEntry {
  seq: number;
  at: number;
  username: string;
  role: string;
  action: string;
  outcome: 'allowed' | 'refused' | 'failed';
  purposeCategory: string | null;
  caseNumber: string | null;
  query: Record<string, unknown>;
  resultCount: number;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  seq: number;
  at: number;
  username: string;
  role: string;
  action: string;
  outcome: 'allowed' | 'refused' | 'failed';
  purpose_category: string | null;
  case_number: string | null;
  query: string;
  result_count: number;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The result of `verify()`: ok, or the first entry that was edited, inserted or deleted. */
export type AuditVerification =
  | { ok: true; entries: number; firstSeq: number | null; lastSeq: number | null }
  | { ok: false; entries: number; problem: 'edited' | 'inserted' | 'deleted'; seq: number; message: string };

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The append-only, hash-chained audit log (policy 424.5(b)). `append` must run inside the
 * caller's transaction when the entry describes a write made there (so both commit or neither);
 * it takes the chain head inside that transaction, so callers from several processes must use
 * `db.transaction(...).immediate()` (AuditedAccess does) to keep the chain linear.
 */
export class AuditLog {
  private readonly insert;
  private readonly head;
  private readonly setHead;

  /** @param db an open database (migrations applied). */
  constructor(private readonly db: Db) {
    this.insert = db.prepare(`INSERT INTO audit_log
      (seq, at, username, role, action, outcome, purpose_category, case_number, query, result_count, detail, prev_hash, hash)
      VALUES (@seq, @at, @username, @role, @action, @outcome, @purpose_category, @case_number, @query, @result_count, @detail, @prev_hash, @hash)`);
    this.head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
    this.setHead = db.prepare(
      'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
    );
  }

  /** Appends one entry and returns it. Runs in its own IMMEDIATE transaction unless one is open. */
  append(input: AuditEntryInput): AuditEntry {
    const run = (): AuditEntry => {
      const head = this.head.get() as { seq: number; hash: string } | undefined;
      const row: Omit<AuditRow, 'hash'> = {
        seq: (head?.seq ?? 0) + 1,
        at: input.at,
        username: input.username,
        role: input.role,
        action: input.action,
        outcome: input.outcome,
        purpose_category: input.purposeCategory ?? null,
        case_number: input.caseNumber ?? null,
        query: JSON.stringify(input.query ?? {}),
        result_count: input.resultCount ?? 0,
        detail: JSON.stringify(input.detail ?? {}),
        prev_hash: head?.hash ?? GENESIS_HASH,
      };
      const full: AuditRow = { ...row, hash: hashRow(row) };
      this.insert.run(full);
      this.setHead.run(full.seq, full.hash);
      return toEntry(full);
    };
    return this.db.inTransaction ? run() : this.db.transaction(run).immediate();
  }

  /** Entries with `from <= at < to`, oldest first. */
  between(from: number, to: number): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM audit_log WHERE at >= ? AND at < ? ORDER BY seq')
      .all(from, to) as AuditRow[];
    return rows.map(toEntry);
  }

  /** Entries whose purpose names this case number, oldest first. */
  forCase(caseNumber: string): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM audit_log WHERE case_number = ? ORDER BY seq')
      .all(caseNumber) as AuditRow[];
    return rows.map(toEntry);
  }

  /**
   * Walks the whole chain from the anchor and reports the first entry that breaks it: a changed
   * row (its hash no longer matches its content), an inserted row (a seq out of order or a
   * prev_hash that skips), or a deleted row (a gap in seq, or a head that points past the end).
   */
  verify(): AuditVerification {
    const anchor = this.db.prepare('SELECT first_seq, prev_hash FROM audit_anchor WHERE id = 1').get() as
      | { first_seq: number; prev_hash: string }
      | undefined;
    let expectedSeq = anchor?.first_seq ?? 1;
    let prevHash = anchor?.prev_hash ?? GENESIS_HASH;
    let entries = 0;
    let firstSeq: number | null = null;
    for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
      entries++;
      firstSeq ??= row.seq;
      const { hash, ...content } = row;
      if (row.seq < expectedSeq) {
        return fail(
          'inserted',
          row.seq,
          `entry ${row.seq} was inserted before the start of the kept log (${expectedSeq})`,
        );
      }
      if (row.seq > expectedSeq) {
        const range = row.seq - 1 > expectedSeq ? `s ${expectedSeq}-${row.seq - 1} were` : ` ${expectedSeq} was`;
        return fail(
          'deleted',
          expectedSeq,
          `entry${range} deleted: the chain jumps from ${expectedSeq - 1} to ${row.seq}`,
        );
      }
      if (hashRow(content) !== hash) {
        // A row renumbered one step down by an insertion before it still hashes under its old seq.
        if (hashRow({ ...content, seq: row.seq - 1 }) === hash) {
          return fail(
            'inserted',
            row.seq - 1,
            `an entry was inserted at ${row.seq - 1}: the entries after it were renumbered`,
          );
        }
        return fail('edited', row.seq, `entry ${row.seq} was edited: its content no longer matches its hash`);
      }
      if (row.prev_hash !== prevHash) {
        return fail(
          'inserted',
          row.seq,
          `entry ${row.seq} was inserted or replaced: it does not link to entry ${row.seq - 1}`,
        );
      }
      prevHash = hash;
      expectedSeq = row.seq + 1;
    }
    const head = this.head.get() as { seq: number; hash: string } | undefined;
    if (head && (head.seq !== expectedSeq - 1 || head.hash !== prevHash)) {
      if (head.seq > expectedSeq - 1) {
        return fail(
          'deleted',
          expectedSeq,
          `entry ${expectedSeq}${head.seq > expectedSeq ? `-${head.seq}` : ''} was deleted from the end of the log`,
        );
      }
      if (head.seq === expectedSeq - 1)
        return fail(
          'edited',
          head.seq,
          `entry ${head.seq} was replaced: it is not the entry the log recorded as its last`,
        );
      return fail('inserted', head.seq + 1, `entry ${head.seq + 1} was appended outside the audited path`);
    }
    if (!head && entries > 0) return fail('inserted', firstSeq ?? 1, 'the log has entries but no recorded head');
    return { ok: true, entries, firstSeq, lastSeq: entries ? expectedSeq - 1 : null };

    function fail(problem: 'edited' | 'inserted' | 'deleted', seq: number, message: string): AuditVerification {
      return { ok: false, entries, problem, seq, message };
    }
  }

  /**
   * The audit log's own retention (default 3 years, never with reads): deletes entries older than
   * `before` and moves the anchor, in one transaction, then records that it did.
   */
  purgeBefore(before: number, actor: { username: string; role: string }, now: number): number {
    return this.db
      .transaction(() => {
        const last = this.db
          .prepare('SELECT seq, hash FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1')
          .get(before) as { seq: number; hash: string } | undefined;
        if (!last) return 0;
        this.db.prepare('INSERT INTO audit_purge_permit (id) VALUES (1)').run();
        const n = this.db.prepare('DELETE FROM audit_log WHERE seq <= ?').run(last.seq).changes;
        this.db.prepare('DELETE FROM audit_purge_permit').run();
        this.db
          .prepare(
            'INSERT INTO audit_anchor (id, first_seq, prev_hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET first_seq = excluded.first_seq, prev_hash = excluded.prev_hash',
          )
          .run(last.seq + 1, last.hash);
        this.append({
          at: now,
          username: actor.username,
          role: actor.role,
          action: 'audit_purge',
          outcome: 'allowed',
          resultCount: n,
          detail: { before, last_deleted_seq: last.seq },
        });
        return n;
      })
      .immediate();
  }
}

/** SHA-256 over the previous hash and a fixed-order serialisation of the row's content. */
export function hashRow(row: Omit<AuditRow, 'hash'>): string {
  const content = [
    row.seq,
    row.at,
    row.username,
    row.role,
    row.action,
    row.outcome,
    row.purpose_category,
    row.case_number,
    row.query,
    row.result_count,
    row.detail,
  ];
  return createHash('sha256').update(row.prev_hash).update('\n').update(JSON.stringify(content)).digest('hex');
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    username: r.username,
    role: r.role,
    action: r.action,
    outcome: r.outcome,
    purposeCategory: r.purpose_category,
    caseNumber: r.case_number,
    query: JSON.parse(r.query) as Record<string, unknown>,
    resultCount: r.result_count,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
