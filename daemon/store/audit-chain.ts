import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** One audit_log row as stored. `mac` and `prev_mac` are NULL on entries written before the audit key was installed. */
export interface AuditRow {
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
  prev_mac: string | null;
  mac: string | null;
}

/** What the hash and the MAC cover: the row without its own hash and MAC. */
export type AuditContent = Omit<AuditRow, 'hash' | 'prev_mac' | 'mac'>;

/** The audit key: 32 random bytes, held by the daemon (systemd credential `audit-key`). */
export type AuditKey = Buffer;

export const GENESIS_HASH = '0'.repeat(64);
export const AUDIT_KEY_BYTES = 32;

/** The entry's fields in a fixed order (seq first, so renumbering changes it). */
function canonical(row: AuditContent): string {
  return JSON.stringify([
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
  ]);
}

/** SHA-256 over the previous hash and the entry: the unkeyed structure anyone can check (and recompute). */
export function hashRow(row: AuditContent): string {
  return createHash('sha256').update(row.prev_hash).update('\n').update(canonical(row)).digest('hex');
}

/** HMAC-SHA-256(key, prev_mac || entry): only the key's holder can write an entry that passes. */
export function macRow(key: AuditKey, prevMac: string, row: AuditContent): string {
  return createHmac('sha256', key).update(prevMac).update('\n').update(canonical(row)).digest('hex');
}

/**
 * What the next keyed entry's MAC chains to: the previous entry's MAC, or its hash when it was
 * written before the key was installed (so the keyed part also vouches for the unkeyed part).
 */
export function linkOf(prev: { hash: string; mac: string | null } | undefined): string {
  return prev ? (prev.mac ?? prev.hash) : GENESIS_HASH;
}

/** The seal on audit_head: an HMAC over the head's seq and MAC, in its own domain. */
export function sealHead(key: AuditKey, seq: number, mac: string): string {
  return createHmac('sha256', key).update(`audit-head\n${seq}\n${mac}`).digest('hex');
}

/** Constant-time comparison of two hex strings (false when either is missing). */
export function sameHex(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The detail of an audit_purge entry (what verify needs to accept the anchor it moved). */
export function purgeDetail(r: AuditRow): {
  before?: number;
  last_deleted_seq?: number;
  last_deleted_hash?: string;
  last_deleted_mac?: string | null;
} {
  try {
    return JSON.parse(r.detail) as ReturnType<typeof purgeDetail>;
  } catch {
    return {};
  }
}

/** Parses `SEQ:MAC` as published on `<prefix>/<unit>/audit`. */
export function parseHead(s: string): { seq: number; mac: string } {
  const m = /^(\d+):([0-9a-fA-F]{64})$/.exec(s.trim());
  if (!m) throw new Error(`--expect-head "${s}" is not SEQ:MAC (e.g. 4211:3f9a…, 64 hex digits, as published)`);
  return { seq: Number(m[1]), mac: m[2]!.toLowerCase() };
}
