import type { Db } from './database.js';
import {
  type AuditContent,
  type AuditKey,
  type AuditRow,
  GENESIS_HASH,
  hashRow,
  macRow,
  sameHex,
  sealHead,
  purgeDetail,
} from './audit-chain.js';

/** What went wrong, named for the person reading the verdict. */
export type AuditProblem =
  | 'edited'
  | 'inserted'
  | 'deleted'
  | 'renumbered'
  | 'truncated'
  | 'rewritten'
  | 'time_back'
  | 'purge_permit';

export interface VerifyOptions {
  /** The audit key: with it the MACs are checked; without it only the unkeyed structure. */
  key?: AuditKey | undefined;
  /** A head published off the unit (`SEQ:MAC`): nothing up to it may be cut off or rewritten. */
  expectHead?: { seq: number; mac: string } | undefined;
  /** The audit log's retention (access.audit_retention_days); the anchor may only move past older entries. */
  retentionDays?: number | undefined;
  /** How far an entry's time may step back behind an earlier entry's (clock adjustments). */
  timeToleranceMs?: number | undefined;
}

interface Checked {
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** True when the MACs were checked with the audit key. */
  keyed: boolean;
  /** Entries written before the audit key was installed (hash-checked only), or null. */
  unkeyed: { from: number; to: number } | null;
  /** The head this check covered (the last entry). */
  head: { seq: number; mac: string | null } | null;
  /** What was and was not checked, in sentences. */
  notes: string[];
}

/** The result of a verification: intact, or the first problem found, named. */
export type AuditVerification =
  | (Checked & { ok: true })
  | (Checked & { ok: false; problem: AuditProblem; seq: number; message: string });

export const DEFAULT_AUDIT_RETENTION_DAYS = 3 * 365;
export const DEFAULT_TIME_TOLERANCE_MS = 5_000;
const DAY_MS = 86_400_000;
/** How far a renumbered entry's original seq is searched for (each try is one HMAC). */
const RENUMBER_SEARCH = 1000;

interface HeadRow {
  seq: number;
  hash: string;
  mac: string | null;
  seal: string | null;
}
interface AnchorRow {
  first_seq: number;
  prev_hash: string;
  prev_mac: string | null;
}

class Found extends Error {
  constructor(
    readonly problem: AuditProblem,
    readonly seq: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Walks the audit log from its anchor and reports the first thing that breaks it: an edited,
 * inserted, deleted or renumbered entry, time stepping back, an anchor moved without a keyed
 * `audit_purge` entry, a head rewritten, or a leftover purge permit. With `key`, the MACs decide
 * (someone without the key cannot recompute them); without it, only the structure is checked and
 * the notes say so. `expectHead` (published off the unit) also catches a key holder who cut off or
 * rewrote entries. The daemon's API calls this same function.
 */
export function verifyAuditChain(db: Db, opts: VerifyOptions = {}): AuditVerification {
  const key = opts.key;
  const tolerance = opts.timeToleranceMs ?? DEFAULT_TIME_TOLERANCE_MS;
  const retentionDays = opts.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
  const anchor = db.prepare('SELECT first_seq, prev_hash, prev_mac FROM audit_anchor WHERE id = 1').get() as
    | AnchorRow
    | undefined;
  const head = db.prepare('SELECT seq, hash, mac, seal FROM audit_head WHERE id = 1').get() as HeadRow | undefined;
  const headSealed = !!(key && head?.mac && sameHex(head.seal, sealHead(key, head.seq, head.mac)));

  const c: Checked = { entries: 0, firstSeq: null, lastSeq: null, keyed: !!key, unkeyed: null, head: null, notes: [] };
  const macOk = (r: AuditRow, content: AuditContent): boolean =>
    !!(key && r.mac && r.prev_mac && sameHex(macRow(key, r.prev_mac, content), r.mac));

  let expectedSeq = anchor?.first_seq ?? 1;
  let prevHash = anchor?.prev_hash ?? GENESIS_HASH;
  let link = anchor ? (anchor.prev_mac ?? anchor.prev_hash) : GENESIS_HASH;
  let prev: AuditRow | undefined;
  let keyedFrom: number | null = null;
  let latest: { at: number; seq: number } | undefined;
  const purges: AuditRow[] = [];
  try {
    const permits = (db.prepare('SELECT count(*) AS n FROM audit_purge_permit').get() as { n: number }).n;
    if (permits > 0)
      throw new Found(
        'purge_permit',
        0,
        'audit_purge_permit holds a row: it lets anyone delete audit entries past the append-only triggers (only the audited purge writes one, and removes it before it commits)',
      );
    for (const r of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
      c.entries++;
      c.firstSeq ??= r.seq;
      const { hash, prev_mac: _pm, mac: _m, ...content } = r;
      if (r.seq < expectedSeq)
        throw new Found(
          'inserted',
          r.seq,
          `entry ${r.seq} was inserted before the start of the kept log (${expectedSeq})`,
        );
      if (r.seq > expectedSeq) throw gap(r, content);
      if (hashRow(content) !== hash) {
        // A row renumbered one step by an insertion before it (or a deletion) still hashes under its old seq.
        if (hashRow({ ...content, seq: r.seq - 1 }) === hash)
          throw new Found(
            'inserted',
            r.seq - 1,
            `an entry was inserted at ${r.seq - 1}: the entries after it were renumbered`,
          );
        if (hashRow({ ...content, seq: r.seq + 1 }) === hash) throw renumbered(r.seq, r.seq + 1);
        throw new Found('edited', r.seq, `entry ${r.seq} was edited: its content no longer matches its hash`);
      }
      if (r.prev_hash !== prevHash)
        throw new Found(
          'inserted',
          r.seq,
          `entry ${r.seq} was inserted or replaced: it does not link to entry ${r.seq - 1}`,
        );
      checkMac(r, content);
      // Only entries written under the key promise ordered time: an upgraded unit's older entries
      // may carry clock steps that nobody checked when they were written.
      if (r.mac && latest && r.at < latest.at - tolerance) {
        const back = Math.round((latest.at - r.at) / 1000);
        throw new Found(
          'time_back',
          r.seq,
          `entry ${r.seq} is dated ${iso(r.at)}, ${back} s before entry ${latest.seq} (${iso(latest.at)}): time stepped back more than ${tolerance / 1000} s (the entry was backdated or the clock was set back)`,
        );
      }
      if (r.mac && (!latest || r.at > latest.at)) latest = { at: r.at, seq: r.seq };
      if (r.action === 'audit_purge') purges.push(r);
      prevHash = hash;
      link = r.mac ?? r.hash;
      expectedSeq = r.seq + 1;
      prev = r;
    }
    c.lastSeq = prev ? prev.seq : null;
    c.head = prev ? { seq: prev.seq, mac: prev.mac } : null;
    checkAnchor();
    checkHead();
    if (key && c.entries > 0 && keyedFrom === null)
      throw new Found(
        'edited',
        c.firstSeq ?? 1,
        'no entry carries a MAC although the audit key is installed: the log was rewritten without the key or its MACs were stripped',
      );
    checkExpectedHead();
  } catch (err) {
    if (!(err instanceof Found)) throw err;
    notes();
    return { ...c, ok: false, problem: err.problem, seq: err.seq, message: err.message };
  }
  notes();
  return { ...c, ok: true };

  function notes(): void {
    if (c.unkeyed)
      c.notes.push(
        `unkeyed entries ${c.unkeyed.from}..${c.unkeyed.to} (written before the audit key was installed): hash-checked only`,
      );
    if (!key)
      c.notes.push(
        'no audit key: only the unkeyed structure was checked (hash chain, seq order, time order, anchor and head); anyone who can write the file can recompute it',
      );
    else if (c.entries > 0) c.notes.push('MACs checked with the audit key');
    if (opts.expectHead && c.lastSeq !== null && opts.expectHead.seq >= (c.firstSeq ?? 1))
      c.notes.push(`nothing up to the published head ${opts.expectHead.seq} was cut off or rewritten`);
  }

  /** A jump in seq: entries deleted, or one inserted with a seq of its own choosing. */
  function gap(r: AuditRow, content: AuditContent): Found {
    const last = expectedSeq - 1;
    if (head && r.seq > head.seq && head.seq >= last)
      return new Found(
        'inserted',
        r.seq,
        `entry ${r.seq} was inserted: the log's recorded last entry is ${head.seq}, and the seq jumps from ${last} to ${r.seq}`,
      );
    const forged = key ? !macOk(r, content) : r.prev_hash === prevHash;
    if (forged)
      return new Found(
        'inserted',
        r.seq,
        key
          ? `entry ${r.seq} was inserted: its MAC is not the audit key's, and the seq jumps from ${last} to ${r.seq}`
          : `entry ${r.seq} was inserted: it links to entry ${last} but its seq jumps to ${r.seq}`,
      );
    const range = r.seq - 1 > expectedSeq ? `s ${expectedSeq}-${r.seq - 1} were` : ` ${expectedSeq} was`;
    return new Found('deleted', expectedSeq, `entry${range} deleted: the chain jumps from ${last} to ${r.seq}`);
  }

  function renumbered(seq: number, written: number): Found {
    return new Found(
      'renumbered',
      seq,
      `entry ${seq} was renumbered (it was written as ${written}): entries were deleted or inserted and the rest renumbered`,
    );
  }

  /** The MAC (with the key) and, key or not, the MAC links: no unkeyed entry after a keyed one, each prev_mac the previous MAC. */
  function checkMac(r: AuditRow, content: AuditContent): void {
    if (!r.mac) {
      if (keyedFrom !== null)
        throw new Found(
          'inserted',
          r.seq,
          `entry ${r.seq} has no MAC, but the log is keyed from entry ${keyedFrom} on: the unit did not write it`,
        );
      c.unkeyed = { from: c.unkeyed?.from ?? r.seq, to: r.seq };
      return;
    }
    keyedFrom ??= r.seq;
    if (key && !macOk(r, content)) {
      if (r.prev_mac) {
        for (let d = 1; d <= RENUMBER_SEARCH; d++) {
          for (const s of [r.seq + d, r.seq - d]) {
            if (s > 0 && sameHex(macRow(key, r.prev_mac, { ...content, seq: s }), r.mac)) throw renumbered(r.seq, s);
          }
        }
      }
      // Past the sealed head, or at/after a head that is not sealed: appended by someone without the key.
      if (headSealed ? r.seq > (head?.seq ?? 0) : r.seq >= (head?.seq ?? 0))
        throw new Found(
          'inserted',
          r.seq,
          `entry ${r.seq} was appended by someone without the audit key: its MAC does not match`,
        );
      throw new Found(
        'edited',
        r.seq,
        `entry ${r.seq} was edited and its hashes recomputed: its MAC does not match (the audit key was not used)`,
      );
    }
    if (!sameHex(r.prev_mac, link)) {
      if (prev && prev.seq === r.seq - 1 && !prev.mac)
        throw new Found(
          'edited',
          prev.seq,
          `entry ${prev.seq} had its MAC removed: entry ${r.seq} chains to it by MAC`,
        );
      if (!prev)
        throw new Found(
          'deleted',
          r.seq,
          `the anchor does not match entry ${r.seq}, the first kept entry: entries before it were deleted or the anchor moved`,
        );
      throw new Found(
        'deleted',
        r.seq,
        `entry ${r.seq} does not chain to entry ${prev.seq} by MAC: an entry between them was removed or replaced`,
      );
    }
  }

  /** The anchor (first kept entry) moves only through a keyed audit_purge entry past the retention. */
  function checkAnchor(): void {
    if (!anchor || anchor.first_seq <= 1) return;
    const gone = anchor.first_seq - 1;
    const range = gone > 1 ? `entries 1-${gone} were` : 'entry 1 was';
    const cover = purges.filter((p) => purgeDetail(p).last_deleted_seq === gone).pop();
    if (!cover)
      throw new Found(
        'deleted',
        1,
        `${range} deleted: the anchor was moved to ${anchor.first_seq} without an audit_purge entry recording it`,
      );
    const d = purgeDetail(cover);
    if (d.last_deleted_hash !== undefined && d.last_deleted_hash !== anchor.prev_hash)
      throw new Found(
        'deleted',
        1,
        `${range} deleted: the anchor does not match audit_purge entry ${cover.seq}, which recorded the last purge`,
      );
    if (key && (d.last_deleted_mac ?? null) !== (anchor.prev_mac ?? null))
      throw new Found(
        'deleted',
        1,
        `${range} deleted: the anchor's MAC does not match audit_purge entry ${cover.seq}, which recorded the last purge`,
      );
    if (typeof d.before !== 'number' || d.before > cover.at - retentionDays * DAY_MS + tolerance)
      throw new Found(
        'deleted',
        1,
        `${range} deleted by audit_purge entry ${cover.seq}, which covers entries newer than the ${retentionDays}-day audit retention`,
      );
  }

  function checkHead(): void {
    const lastSeq = c.lastSeq ?? (anchor ? anchor.first_seq - 1 : 0);
    if (head && (head.seq !== lastSeq || head.hash !== prevHash)) {
      if (head.seq > lastSeq)
        throw new Found(
          'deleted',
          lastSeq + 1,
          `entr${head.seq > lastSeq + 1 ? `ies ${lastSeq + 1}-${head.seq} were` : `y ${lastSeq + 1} was`} deleted from the end of the log`,
        );
      if (head.seq === lastSeq)
        throw new Found(
          'edited',
          head.seq,
          `entry ${head.seq} was replaced: it is not the entry the log recorded as its last`,
        );
      throw new Found('inserted', head.seq + 1, `entry ${head.seq + 1} was appended outside the audited path`);
    }
    if (!head && c.entries > 0) {
      if (key && prev?.mac)
        throw new Found(
          'truncated',
          lastSeq,
          `the recorded head is missing: entries after ${lastSeq} may have been cut off`,
        );
      throw new Found('inserted', c.firstSeq ?? 1, 'the log has entries but no recorded head');
    }
    if (key && head && prev?.mac && !headSealed)
      throw new Found(
        'truncated',
        head.seq,
        `the recorded head (entry ${head.seq}) is not sealed by the audit key: it was rewritten, and entries after ${head.seq} were cut off`,
      );
    if (!head && !anchor && c.entries === 0) {
      const users = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
      if (users > 0)
        throw new Found(
          'deleted',
          1,
          `the audit log is empty, but the database has ${users} user(s), and adding a user is audited: the whole log was deleted`,
        );
    }
  }

  function checkExpectedHead(): void {
    const want = opts.expectHead;
    if (!want) return;
    if (c.lastSeq === null || want.seq > c.lastSeq)
      throw new Found(
        'truncated',
        (c.lastSeq ?? 0) + 1,
        `the published head is entry ${want.seq}, but the log ends at ${c.lastSeq ?? 'nothing'}: entries ${(c.lastSeq ?? 0) + 1}-${want.seq} were cut off`,
      );
    if (want.seq < (c.firstSeq ?? 1)) {
      c.notes.push(`the published head ${want.seq} is older than the kept log (purged); it was not compared`);
      return;
    }
    const row = db.prepare('SELECT mac FROM audit_log WHERE seq = ?').get(want.seq) as
      | { mac: string | null }
      | undefined;
    if (!sameHex(row?.mac, want.mac.toLowerCase()))
      throw new Found(
        'rewritten',
        want.seq,
        `entry ${want.seq} does not carry the published MAC: the log was rewritten at or before entry ${want.seq}`,
      );
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
