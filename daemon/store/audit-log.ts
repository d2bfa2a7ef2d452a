import type { Db } from './database.js';
import { type AuditKey, type AuditRow, GENESIS_HASH, hashRow, linkOf, macRow, sealHead } from './audit-chain.js';
import { type AuditVerification, type VerifyOptions, verifyAuditChain } from './audit-verify.js';

export { GENESIS_HASH, hashRow, macRow } from './audit-chain.js';
export type { AuditKey } from './audit-chain.js';
export type { AuditVerification, VerifyOptions } from './audit-verify.js';

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
  /** HMAC-SHA-256 under the audit key; null on entries written before the key was installed. */
  mac: string | null;
}

/** The last entry, as published off the unit (`alpr-edge audit verify --expect-head SEQ:MAC`). */
export interface AuditHead {
  seq: number;
  mac: string | null;
  hash: string;
  at: number | null;
}

/** Raised when a process without the audit key tries to add to a keyed log. */
export class AuditKeyMissingError extends Error {
  override name = 'AuditKeyMissingError';
}

// The key belongs to the open database handle, like a pragma: every AuditLog on that handle (the
// many `new AuditLog(db)` call sites) then writes keyed entries, without threading it through each.
const keys = new WeakMap<Db, AuditKey>();

/** Gives this database handle the audit key: entries appended through it carry a MAC, and verify checks MACs. */
export function useAuditKey(db: Db, key: AuditKey): void {
  keys.set(db, key);
}

/** The audit key given to this handle, if any. */
export function auditKeyOf(db: Db): AuditKey | undefined {
  return keys.get(db);
}

/**
 * The append-only, keyed audit log (policy 424.5(b)). With the audit key (useAuditKey) each
 * entry's MAC chains to the previous one, so only the daemon can write entries that verify;
 * without it, a process may only add to a log that has no keyed entries yet. `append` must run inside the
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
      (seq, at, username, role, action, outcome, purpose_category, case_number, query, result_count, detail, prev_hash, hash, prev_mac, mac)
      VALUES (@seq, @at, @username, @role, @action, @outcome, @purpose_category, @case_number, @query, @result_count, @detail, @prev_hash, @hash, @prev_mac, @mac)`);
    this.head = db.prepare('SELECT seq, hash, mac FROM audit_head WHERE id = 1');
    this.setHead = db.prepare(
      `INSERT INTO audit_head (id, seq, hash, mac, seal) VALUES (1, @seq, @hash, @mac, @seal) ON CONFLICT (id)
       DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac, seal = excluded.seal`,
    );
  }

  /** Appends one entry and returns it. Runs in its own IMMEDIATE transaction unless one is open. */
  append(input: AuditEntryInput): AuditEntry {
    const key = keys.get(this.db);
    const run = (): AuditEntry => {
      const head = this.head.get() as { seq: number; hash: string; mac: string | null } | undefined;
      if (!key && head?.mac)
        throw new AuditKeyMissingError(
          'this process does not hold the audit key, so it cannot add to the keyed audit log (only the daemon writes it; see docs/integrity.md)',
        );
      const content = {
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
      const prevMac = key ? linkOf(head) : null;
      const mac = key && prevMac ? macRow(key, prevMac, content) : null;
      const full: AuditRow = { ...content, hash: hashRow(content), prev_mac: prevMac, mac };
      this.insert.run(full);
      this.setHead.run({ seq: full.seq, hash: full.hash, mac, seal: key && mac ? sealHead(key, full.seq, mac) : null });
      return toEntry(full);
    };
    return this.db.inTransaction ? run() : this.db.transaction(run).immediate();
  }

  /**
   * On a log written before the audit key existed, records (keyed) that the key is now in use and
   * up to which entry the log is unkeyed; later entries are all keyed. Needs the key on this handle.
   * Returns the entry, or null when the log is empty or already keyed.
   */
  markKeyInstalled(now: number): AuditEntry | null {
    const head = this.head.get() as { seq: number; mac: string | null } | undefined;
    if (!head || head.mac || !keys.get(this.db)) return null;
    return this.append({
      at: now,
      username: 'system',
      role: 'system',
      action: 'audit_key_installed',
      outcome: 'allowed',
      detail: { unkeyed_through: head.seq },
    });
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
   * Checks the whole log from its anchor (see audit-verify.ts): with this handle's audit key, the
   * MACs too; without it, only the unkeyed structure, which the result says.
   */
  verify(opts: Omit<VerifyOptions, 'key'> = {}): AuditVerification {
    const key = keys.get(this.db);
    return verifyAuditChain(this.db, key ? { ...opts, key } : opts);
  }

  /** The last entry (the head to publish off the unit), or null for an empty log. */
  lastEntry(): AuditHead | null {
    const h = this.db
      .prepare(
        'SELECT h.seq, h.hash, h.mac, l.at FROM audit_head h LEFT JOIN audit_log l ON l.seq = h.seq WHERE h.id = 1',
      )
      .get() as AuditHead | undefined;
    return h ?? null;
  }

  /**
   * The audit log's own retention (default 3 years, never with reads): deletes entries older than
   * `before` and moves the anchor, in one transaction, then records that it did.
   */
  purgeBefore(before: number, actor: { username: string; role: string }, now: number): number {
    return this.db
      .transaction(() => {
        const last = this.db
          .prepare('SELECT seq, hash, mac FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1')
          .get(before) as { seq: number; hash: string; mac: string | null } | undefined;
        if (!last) return 0;
        this.db.prepare('INSERT INTO audit_purge_permit (id) VALUES (1)').run();
        const n = this.db.prepare('DELETE FROM audit_log WHERE seq <= ?').run(last.seq).changes;
        this.db.prepare('DELETE FROM audit_purge_permit').run();
        this.db
          .prepare(
            `INSERT INTO audit_anchor (id, first_seq, prev_hash, prev_mac) VALUES (1, ?, ?, ?) ON CONFLICT (id)
             DO UPDATE SET first_seq = excluded.first_seq, prev_hash = excluded.prev_hash, prev_mac = excluded.prev_mac`,
          )
          .run(last.seq + 1, last.hash, last.mac);
        this.append({
          at: now,
          username: actor.username,
          role: actor.role,
          action: 'audit_purge',
          outcome: 'allowed',
          resultCount: n,
          // The keyed record of the move: verify accepts an anchor only when such an entry names it.
          detail: { before, last_deleted_seq: last.seq, last_deleted_hash: last.hash, last_deleted_mac: last.mac },
        });
        return n;
      })
      .immediate();
  }
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
    mac: r.mac,
  };
}
