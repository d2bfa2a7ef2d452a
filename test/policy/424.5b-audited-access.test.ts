import { AuditLog, hashRow } from '../../daemon/store/audit-log.js';
import type { Db } from '../../daemon/store/database.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addRead, addUser, NOW } from './fixture.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0200' };

/** What someone with the database file and the sqlite3 shell could do: drop the guard triggers first. */
function tamper(db: Db, sql: string, ...params: unknown[]): void {
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.prepare(sql).run(...params);
}

// Policy 424.5(b): access only through a login that documents all access by name, date and time.
describe('424.5(b) audited access and a tamper-evident log', () => {
  let rig: ApiRig;
  let t: ApiRig['t'];
  let door: ApiDoor;
  let audit: AuditLog;
  beforeEach(async () => {
    rig = await startApi();
    t = rig.t;
    door = new ApiDoor(rig);
    audit = new AuditLog(t.db);
    addRead(t.db, { plate: 'ABC123', at: NOW - 1000 });
    const op = await addUser(t.db, 'deputy', 'operator');
    // Entry 1 is the deputy's login; entries 2 to 6 their searches.
    for (let i = 0; i < 5; i++) await door.searchReads(op, purpose, { plate: 'ABC*', from: 0, to: NOW });
  });
  afterEach(() => rig.close());

  it('documents the login and every access by name, time, action, purpose, query and result count', () => {
    const e = audit.between(0, NOW + 1);
    expect(e.map((x) => [x.username, x.action, x.outcome])).toEqual([
      ['deputy', 'login', 'allowed'],
      ...Array(5).fill(['deputy', 'search', 'allowed']),
    ]);
    expect(e[1]).toMatchObject({
      seq: 2,
      username: 'deputy',
      role: 'operator',
      at: NOW,
      action: 'search',
      purposeCategory: 'criminal_investigation',
      caseNumber: 'CR26-0200',
      query: { plate: 'ABC*' },
      resultCount: 1,
    });
    expect(audit.verify()).toMatchObject({ ok: true, entries: 6, firstSeq: 1, lastSeq: 6 });
  });

  it('refuses to update or delete an audit row through SQL', () => {
    expect(() => t.db.prepare("UPDATE audit_log SET username = 'someone' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => t.db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('detects an edited entry', () => {
    tamper(t.db, 'UPDATE audit_log SET query = \'{"plate":"XYZ*"}\' WHERE seq = 3');
    expect(audit.verify()).toMatchObject({ ok: false, problem: 'edited', seq: 3 });
  });

  it('detects a deleted entry in the middle and at the end', () => {
    tamper(t.db, 'DELETE FROM audit_log WHERE seq = 2');
    expect(audit.verify()).toMatchObject({ ok: false, problem: 'deleted', seq: 2 });
    t.db.prepare('DELETE FROM audit_log WHERE seq >= 2').run();
    expect(audit.verify()).toMatchObject({ ok: false, problem: 'deleted', seq: 2 });
  });

  it('detects an entry inserted in the middle (with the rows after it renumbered) and one appended outside the audited path', () => {
    const rows = t.db.prepare('SELECT * FROM audit_log ORDER BY seq DESC').all() as Record<string, unknown>[];
    tamper(t.db, 'DELETE FROM audit_log WHERE seq >= 3');
    for (const r of rows.filter((x) => (x.seq as number) >= 3).reverse()) {
      t.db
        .prepare(
          'INSERT INTO audit_log (seq, at, username, role, action, outcome, purpose_category, case_number, query, result_count, detail, prev_hash, hash) VALUES (@seq, @at, @username, @role, @action, @outcome, @purpose_category, @case_number, @query, @result_count, @detail, @prev_hash, @hash)',
        )
        .run({ ...r, seq: (r.seq as number) + 1 });
    }
    const prev = t.db.prepare('SELECT hash FROM audit_log WHERE seq = 2').get() as { hash: string };
    const fake = {
      seq: 3,
      at: NOW,
      username: 'ghost',
      role: 'operator',
      action: 'search',
      outcome: 'allowed',
      purpose_category: null,
      case_number: null,
      query: '{}',
      result_count: 0,
      detail: '{}',
      prev_hash: prev.hash,
    };
    t.db
      .prepare(
        'INSERT INTO audit_log (seq, at, username, role, action, outcome, purpose_category, case_number, query, result_count, detail, prev_hash, hash) VALUES (@seq, @at, @username, @role, @action, @outcome, @purpose_category, @case_number, @query, @result_count, @detail, @prev_hash, @hash)',
      )
      .run({ ...fake, hash: hashRow(fake as Parameters<typeof hashRow>[0]) });
    expect(audit.verify()).toMatchObject({ ok: false, problem: 'inserted', seq: 3 });
  });

  it('detects a row appended directly to the table', () => {
    const head = t.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      hash: string;
    };
    const fake = {
      seq: head.seq + 1,
      at: NOW,
      username: 'ghost',
      role: 'operator',
      action: 'search',
      outcome: 'allowed',
      purpose_category: null,
      case_number: null,
      query: '{}',
      result_count: 0,
      detail: '{}',
      prev_hash: head.hash,
    };
    t.db
      .prepare(
        'INSERT INTO audit_log (seq, at, username, role, action, outcome, purpose_category, case_number, query, result_count, detail, prev_hash, hash) VALUES (@seq, @at, @username, @role, @action, @outcome, @purpose_category, @case_number, @query, @result_count, @detail, @prev_hash, @hash)',
      )
      .run({ ...fake, hash: hashRow(fake as Parameters<typeof hashRow>[0]) });
    expect(audit.verify()).toMatchObject({ ok: false, problem: 'inserted', seq: 7 });
  });

  it('writes no entry and returns nothing when the audit entry cannot be written: data and record commit together', async () => {
    const op = await addUser(t.db, 'other', 'operator');
    await door.client(op);
    t.db.exec(
      "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN NEW.username = 'other' AND NEW.outcome = 'allowed' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;",
    );
    // The daemon logs the fault and tells the person only that the request failed.
    await expect(door.searchReads(op, purpose, { plate: 'ABC*', from: 0, to: NOW })).rejects.toThrow(/internal error/);
    t.db.exec('DROP TRIGGER fail_audit');
    expect(
      door
        .entries()
        .filter((e) => e.username === 'other')
        .map((e) => [e.action, e.outcome, e.detail]),
    ).toEqual([['search', 'failed', { error: 'disk trouble' }]]);
  });
});
