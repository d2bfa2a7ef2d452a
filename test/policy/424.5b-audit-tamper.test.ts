import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { runCli } from '../../daemon/cli/main.js';
import { openDatabase } from '../../daemon/store/database.js';
import { AuditLog, hashRow, useAuditKey } from '../../daemon/store/audit-log.js';
import { sealHead, type AuditRow } from '../../daemon/store/audit-chain.js';
import { verifyAuditChain, type AuditVerification } from '../../daemon/store/audit-verify.js';
import { addUser, DAY, fakeIo, NOW, PASSWORD, tempDb } from './fixture.js';
import { startApi } from '../api/api-fixture.js';

// Policy 424.5(b): someone holding a copy of the database (write access to the file, not the
// audit key) tries each forgery an auditor tried on the plain hash chain; each is caught and
// named. A key holder's truncation is caught by the head published off the unit.
const ENTRIES = 190;
const KEY = randomBytes(32);

describe('424.5(b) a keyed audit log that a copy of the database cannot forge', () => {
  let t: ReturnType<typeof tempDb>;
  let n = 0;
  /** The genuine head, as the unit published it. */
  let published: { seq: number; mac: string };
  beforeAll(async () => {
    t = tempDb();
    useAuditKey(t.db, KEY);
    await addUser(t.db, 'auditor', 'auditor');
    const audit = new AuditLog(t.db);
    for (let i = 1; i <= ENTRIES; i++)
      audit.append({
        at: NOW - (ENTRIES - i) * 1000,
        username: 'deputy',
        role: 'operator',
        action: 'search',
        outcome: 'allowed',
        purposeCategory: 'criminal_investigation',
        caseNumber: `CR26-${i}`,
        query: { plate: `ABC${i}` },
        resultCount: 1,
      });
    const head = audit.lastEntry()!;
    published = { seq: head.seq, mac: head.mac! };
  });
  afterAll(() => t.close());

  /** A file copy of the unit's database, tampered with by `edit` over a plain connection (triggers dropped). */
  function tamperedCopy(edit: (db: Database.Database) => void): string {
    const file = join(t.dir, `copy-${++n}.db`);
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(t.file, file);
    const db = new Database(file);
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    edit(db);
    db.close();
    return file;
  }

  function verify(file: string, opts: { key?: boolean; expectHead?: { seq: number; mac: string } } = {}) {
    const db = openDatabase(file);
    try {
      return verifyAuditChain(db, { key: opts.key === false ? undefined : KEY, expectHead: opts.expectHead });
    } finally {
      db.close();
    }
  }

  const rows = (db: Database.Database, from = 1): AuditRow[] =>
    db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(from) as AuditRow[];

  /** Recomputes the unkeyed hash chain from `from` on and points audit_head at the end, as a forger would. */
  function rehash(db: Database.Database, from: number): void {
    const before = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(from - 1) as { hash: string };
    let prev = before.hash;
    let last: AuditRow | undefined;
    for (const r of rows(db, from)) {
      const { hash: _h, prev_mac: _p, mac: _m, ...content } = { ...r, prev_hash: prev };
      const hash = hashRow(content);
      db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
      prev = hash;
      last = { ...r, hash };
    }
    if (last) db.prepare('UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1').run(last.seq, prev, last.mac);
  }

  /** Cuts the log after `seq` and seals the new head with the key, as someone holding the key could. */
  function keyHolderCut(db: Database.Database, seq: number): void {
    db.prepare('DELETE FROM audit_log WHERE seq > ?').run(seq);
    const r = rows(db, seq)[0]!;
    db.prepare('UPDATE audit_head SET seq = ?, hash = ?, mac = ?, seal = ? WHERE id = 1').run(
      r.seq,
      r.hash,
      r.mac,
      sealHead(KEY, r.seq, r.mac!),
    );
  }

  const structureOnly = (v: AuditVerification): void => {
    expect(v.keyed).toBe(false);
    expect(v.notes.join('\n')).toMatch(/only the unkeyed structure was checked/);
  };

  it('verifies the genuine log with the key, and says so', () => {
    const v = verify(tamperedCopy(() => {}));
    expect(v).toMatchObject({ ok: true, keyed: true, entries: ENTRIES, lastSeq: ENTRIES, unkeyed: null });
    expect(v.notes).toContain('MACs checked with the audit key');
    expect(v.head).toEqual(published);
    structureOnly(
      verify(
        tamperedCopy(() => {}),
        { key: false },
      ),
    );
  });

  it('catches an edit whose hashes were recomputed', () => {
    const file = tamperedCopy((db) => {
      db.prepare('UPDATE audit_log SET username = ? WHERE seq = 50').run('someone-else');
      rehash(db, 50);
    });
    expect(verify(file)).toMatchObject({ ok: false, problem: 'edited', seq: 50 });
    expect(verify(file)).toMatchObject({
      message: expect.stringMatching(/entry 50 was edited and its hashes recomputed/),
    });
    // Without the key it cannot be told from the genuine log, and the verdict says what was checked.
    structureOnly(verify(file, { key: false }));
  });

  it('catches the tail deleted and audit_head moved back', () => {
    const file = tamperedCopy((db) => {
      db.prepare('DELETE FROM audit_log WHERE seq > 150').run();
      const r = rows(db, 150)[0]!;
      db.prepare('UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1').run(r.seq, r.hash, r.mac);
    });
    const v = verify(file);
    expect(v).toMatchObject({ ok: false, problem: 'truncated', seq: 150 });
    expect(v.ok || v.message).toMatch(
      /not sealed by the audit key: it was rewritten, and entries after 150 were cut off/,
    );
    expect(verify(file, { key: false, expectHead: published })).toMatchObject({ ok: false, problem: 'truncated' });
  });

  it('catches a row deleted and the rest renumbered (with hashes recomputed)', () => {
    const file = tamperedCopy((db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 100').run();
      for (let s = 101; s <= ENTRIES; s++) db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(s - 1, s);
      rehash(db, 100);
    });
    const v = verify(file);
    expect(v).toMatchObject({ ok: false, problem: 'renumbered', seq: 100 });
    expect(v.ok || v.message).toMatch(/entry 100 was renumbered \(it was written as 101\)/);
    // Without the key the MAC links still show the gap (a forger cannot recompute them).
    const k = verify(file, { key: false });
    expect(k).toMatchObject({ ok: false, problem: 'deleted', seq: 100 });
    expect(k.ok || k.message).toMatch(/entry 100 does not chain to entry 99 by MAC/);
  });

  it('catches a forged entry appended with its head', () => {
    const file = tamperedCopy((db) => {
      const last = rows(db, ENTRIES)[0]!;
      const content = { ...last, seq: ENTRIES + 1, username: 'ghost', prev_hash: last.hash };
      const { hash: _h, prev_mac: _p, mac: _m, ...c } = content;
      const forged = { ...content, hash: hashRow(c), prev_mac: last.mac, mac: randomBytes(32).toString('hex') };
      db.prepare(
        `INSERT INTO audit_log (seq, at, username, role, action, outcome, purpose_category, case_number, query, result_count, detail, prev_hash, hash, prev_mac, mac)
         VALUES (@seq, @at, @username, @role, @action, @outcome, @purpose_category, @case_number, @query, @result_count, @detail, @prev_hash, @hash, @prev_mac, @mac)`,
      ).run(forged);
      db.prepare('UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1').run(
        forged.seq,
        forged.hash,
        forged.mac,
      );
    });
    const v = verify(file);
    expect(v).toMatchObject({ ok: false, problem: 'inserted', seq: ENTRIES + 1 });
    expect(v.ok || v.message).toMatch(/appended by someone without the audit key/);
  });

  it('catches the first 40 rows deleted and audit_anchor moved', () => {
    const file = tamperedCopy((db) => {
      const r40 = rows(db, 40)[0]!;
      db.prepare('DELETE FROM audit_log WHERE seq <= 40').run();
      db.prepare('INSERT INTO audit_anchor (id, first_seq, prev_hash, prev_mac) VALUES (1, 41, ?, ?)').run(
        r40.hash,
        r40.mac,
      );
    });
    for (const key of [true, false]) {
      const v = verify(file, { key });
      expect(v).toMatchObject({ ok: false, problem: 'deleted', seq: 1 });
      expect(v.ok || v.message).toMatch(
        /entries 1-40 were deleted: the anchor was moved to 41 without an audit_purge entry/,
      );
    }
  });

  it('catches the whole log deleted with its head and anchor', () => {
    const file = tamperedCopy((db) => {
      db.exec('DELETE FROM audit_log; DELETE FROM audit_head; DELETE FROM audit_anchor;');
    });
    for (const key of [true, false]) {
      const v = verify(file, { key });
      expect(v).toMatchObject({ ok: false, problem: 'deleted' });
      expect(v.ok || v.message).toMatch(
        /the audit log is empty, but the database has 1 user\(s\).*whole log was deleted/,
      );
    }
  });

  it('names a row in audit_purge_permit as tampering', () => {
    const file = tamperedCopy((db) => {
      db.exec('INSERT INTO audit_purge_permit (id) VALUES (1)');
    });
    for (const key of [true, false]) {
      const v = verify(file, { key });
      expect(v).toMatchObject({ ok: false, problem: 'purge_permit' });
      expect(v.ok || v.message).toMatch(/lets anyone delete audit entries past the append-only triggers/);
    }
  });

  it('catches time going backwards by more than 5 s', () => {
    const file = tamperedCopy(() => {});
    const db = openDatabase(file);
    useAuditKey(db, KEY);
    new AuditLog(db).append({
      at: NOW - 4_000,
      username: 'deputy',
      role: 'operator',
      action: 'search',
      outcome: 'allowed',
    });
    new AuditLog(db).append({
      at: NOW - 3_600_000,
      username: 'deputy',
      role: 'operator',
      action: 'search',
      outcome: 'allowed',
    });
    db.close();
    const v = verify(file);
    expect(v).toMatchObject({ ok: false, problem: 'time_back', seq: ENTRIES + 2 });
    expect(v.ok || v.message).toMatch(/3600 s before entry 190 .*time stepped back more than 5 s/);
  });

  it('names an entry inserted at seq 100000 "inserted", not a deletion of 191-99999', () => {
    const insert = (db: Database.Database, moveHead: boolean): void => {
      const last = rows(db, ENTRIES)[0]!;
      const content = { ...last, seq: 100_000, username: 'ghost', prev_hash: last.hash };
      const { hash: _h, prev_mac: _p, mac: _m, ...c } = content;
      const row = { ...content, hash: hashRow(c), prev_mac: last.mac, mac: randomBytes(32).toString('hex') };
      db.prepare(
        `INSERT INTO audit_log (seq, at, username, role, action, outcome, purpose_category, case_number, query, result_count, detail, prev_hash, hash, prev_mac, mac)
         VALUES (@seq, @at, @username, @role, @action, @outcome, @purpose_category, @case_number, @query, @result_count, @detail, @prev_hash, @hash, @prev_mac, @mac)`,
      ).run(row);
      if (moveHead)
        db.prepare('UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1').run(row.seq, row.hash, row.mac);
    };
    for (const moveHead of [false, true]) {
      const file = tamperedCopy((db) => insert(db, moveHead));
      for (const key of [true, false]) {
        const v = verify(file, { key });
        expect({ moveHead, key, v }).toMatchObject({ v: { ok: false, problem: 'inserted', seq: 100_000 } });
        expect(v.ok || v.message).not.toMatch(/deleted/);
      }
    }
  });

  it('catches truncation by someone holding the key only with the published head', () => {
    const file = tamperedCopy((db) => keyHolderCut(db, 150));
    expect(verify(file)).toMatchObject({ ok: true, lastSeq: 150 });
    const v = verify(file, { expectHead: published });
    expect(v).toMatchObject({ ok: false, problem: 'truncated', seq: 151 });
    expect(v.ok || v.message).toMatch(
      /the published head is entry 190, but the log ends at 150: entries 151-190 were cut off/,
    );
  });

  it('catches a key holder rewriting entries before the published head', () => {
    const file = tamperedCopy((db) => keyHolderCut(db, 150));
    const db = openDatabase(file);
    useAuditKey(db, KEY);
    for (let i = 151; i <= ENTRIES; i++)
      new AuditLog(db).append({ at: NOW, username: 'someone', role: 'operator', action: 'search', outcome: 'allowed' });
    db.close();
    expect(verify(file)).toMatchObject({ ok: true, lastSeq: ENTRIES });
    expect(verify(file, { expectHead: published })).toMatchObject({ ok: false, problem: 'rewritten', seq: ENTRIES });
  });

  it('accepts the audited purge past the retention and refuses an anchor moved by a recent purge', () => {
    const file = tamperedCopy(() => {});
    const db = openDatabase(file);
    useAuditKey(db, KEY);
    const later = NOW + 3 * 365 * DAY;
    new AuditLog(db).append({ at: later, username: 'deputy', role: 'operator', action: 'search', outcome: 'allowed' });
    expect(new AuditLog(db).purgeBefore(NOW - 100_000, { username: 'system', role: 'system' }, later + 1)).toBe(89);
    db.close();
    const v = verify(file);
    expect(v).toMatchObject({ ok: true, firstSeq: 90 });
    // The same purge judged against a 4-year retention covers entries that were still to be kept.
    const strict = openDatabase(file);
    const w = verifyAuditChain(strict, { key: KEY, retentionDays: 4 * 365 });
    strict.close();
    expect(w).toMatchObject({ ok: false, problem: 'deleted' });
    expect(w.ok || w.message).toMatch(/covers entries newer than the 1460-day audit retention/);
  });

  it('reports entries written before the key was installed as unkeyed, still hash-checked', () => {
    const u = tempDb();
    try {
      const plain = new AuditLog(u.db);
      for (let i = 0; i < 3; i++)
        plain.append({ at: NOW + i, username: 'deputy', role: 'operator', action: 'search', outcome: 'allowed' });
      useAuditKey(u.db, KEY);
      expect(new AuditLog(u.db).markKeyInstalled(NOW + 10)).toMatchObject({ seq: 4, action: 'audit_key_installed' });
      const v = new AuditLog(u.db).verify();
      expect(v).toMatchObject({ ok: true, keyed: true, unkeyed: { from: 1, to: 3 } });
      expect(v.notes).toContain('unkeyed entries 1..3 (written before the audit key was installed): hash-checked only');
      u.db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET username = 'x' WHERE seq = 2");
      expect(new AuditLog(u.db).verify()).toMatchObject({ ok: false, problem: 'edited', seq: 2 });
    } finally {
      u.close();
    }
  });

  describe('alpr-edge audit verify', () => {
    async function cli(args: string[], secrets: string[] = []): Promise<{ code: number; out: string; err: string }> {
      const io = fakeIo(secrets);
      const code = await runCli(args, io);
      return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
    }

    it('in the daemon with the key and --expect-head, exits 2 on a truncated log that passes without the head', async () => {
      const file = tamperedCopy((db) => keyHolderCut(db, 150));
      const rig = await startApi({ file, auditKey: KEY });
      try {
        const base = ['audit', 'verify', '--socket', rig.socket, '--user', 'auditor'];
        const plain = await cli(base, [PASSWORD]);
        expect(plain).toMatchObject({ code: 0 });
        // Each run adds its login and its audit_verify entry to the log: 151, then 152.
        expect(plain.out).toMatch(/audit log intact: 151 entries \(1\.\.151\), MACs verified with the audit key/);
        const head = await cli([...base, '--expect-head', `${published.seq}:${published.mac}`], [PASSWORD]);
        expect(head.code).toBe(2);
        const report = await cli(
          ['audit', 'report', ...base.slice(2), '--from', '2020-01-01', '--to', '2099-12-31'],
          [PASSWORD],
        );
        expect(report.out).toMatch(/audit log: intact \(\d+ entries, MACs checked\)/);
        expect(report.out).toMatch(/head covered: \d+:[0-9a-f]{64}/);
        expect(head.err).toMatch(
          /AUDIT LOG TAMPERED: the published head is entry 190, but the log ends at 153: entries 154-190 were cut off/,
        );
      } finally {
        await rig.close();
      }
    });

    it('without the key, checks a keyed copy read-only and says only the structure was checked', async () => {
      const file = tamperedCopy(() => {});
      const r = await cli(['audit', 'verify-copy', file]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/audit log intact: 190 entries \(1\.\.190\), hash chain verified \(structure only\)/);
      expect(r.out).toMatch(/no audit key: only the unkeyed structure was checked/);
    });

    it('says plainly that a copy is missing, and creates nothing', async () => {
      const file = join(tmpdir(), `alpr-no-copy-${process.pid}.db`);
      const r = await cli(['audit', 'verify-copy', file]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`no database copy at ${file.replaceAll('.', '\\.')}$`));
      expect(existsSync(file)).toBe(false);
    });
  });
});
