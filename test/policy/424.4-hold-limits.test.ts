import type { ApiClient } from '../../daemon/cli/api-client.js';
import { runCli } from '../../daemon/cli/main.js';
import { defaultRetentionConfig } from '../../daemon/retention/config.js';
import { RetentionJob } from '../../daemon/retention/retention-job.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { openDatabase } from '../../daemon/store/database.js';
import { migrations } from '../../daemon/store/migrations/index.js';
import { HoldStore } from '../../daemon/store/holds.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoDay } from '../../daemon/access/users.js';
import { DAY, NOW, addRead, addUser, fakeIo } from './fixture.js';

// Policy 424.4: only data that is or may become evidence escapes the 21-day purge. A hold cannot
// switch the purge off: a range ends by now, a wide one needs a second person, and every hold
// lapses at its review date unless renewed. Proved through the daemon's API and a real purge.
describe('424.4 holds that cannot switch off the purge', () => {
  let rig: ApiRig;
  let deputy: ApiClient;
  let sarge: ApiClient;
  const CASE = { purpose: 'criminal_investigation', case: 'CR26-9' };
  beforeEach(async () => {
    rig = await startApi();
    // Trained long enough for the clock to pass a hold's review date.
    await addUser(rig.t.db, 'deputy', 'operator', { expiresOn: isoDay(NOW + 800 * DAY) });
    await addUser(rig.t.db, 'sarge', 'supervisor');
    deputy = await rig.as('deputy');
    sarge = await rig.as('sarge');
  });
  afterEach(() => rig.close());

  const purge = () =>
    new RetentionJob({
      db: rig.t.db,
      clock: rig.clock,
      config: { ...defaultRetentionConfig, pause_ms: 0 },
      auditRetentionDays: 1095,
      log: silentLogger(),
    }).runOnce(rig.clock.now());
  const exists = (id: string) => rig.t.db.prepare('SELECT 1 FROM reads WHERE id = ?').get(id) !== undefined;
  const refusals = () =>
    new AuditLog(rig.t.db)
      .between(0, Number.MAX_SAFE_INTEGER)
      .filter((e) => e.outcome === 'refused' && e.action.startsWith('hold'))
      .map((e) => String(e.detail.reason));

  it('refuses a range that reaches past now, such as 1970 to 2999, and audits it', async () => {
    await expect(
      deputy.call('createHold', { ...CASE, reason: 'keep all', from: '1970-01-01', to: '2999-12-31' }),
    ).rejects.toThrow(/a hold range must end no later than now/);
    await expect(
      deputy.call('createHold', { ...CASE, reason: 'next week', from: '-1d', to: NOW + DAY }),
    ).rejects.toThrow(/no later than now/);
    expect(refusals()).toEqual([
      expect.stringMatching(/no later than now/),
      expect.stringMatching(/no later than now/),
    ]);
  });

  it('lets a range within the limit protect at once, for its review period', async () => {
    const read = addRead(rig.t.db, { plate: 'ABC123', at: NOW - 25 * DAY });
    const r = await deputy.call('createHold', {
      ...CASE,
      reason: 'burglary',
      from: NOW - 26 * DAY,
      to: NOW - 24 * DAY,
    });
    expect(r).toMatchObject({
      kept_reads: 1,
      hold: { approval: 'not_needed', protects: true, reviewAt: NOW + 365 * DAY },
    });
    await purge();
    expect(exists(read)).toBe(true);
  });

  it('makes a wide range protect nothing until a second person approves it', async () => {
    const read = addRead(rig.t.db, { plate: 'ABC123', at: NOW - 25 * DAY });
    const r = await deputy.call('createHold', { ...CASE, reason: 'pattern', from: '1970-01-01', to: 'now' });
    expect(r).toMatchObject({ kept_reads: 0, hold: { approval: 'pending', protects: false } });
    const id = r.hold.id;

    await addUser(rig.t.db, 'sgt2', 'operator');
    await expect((await rig.as('sgt2')).call('approveHold', {}, { id })).rejects.toThrow(
      /operator role may not hold approve/,
    );
    await addUser(rig.t.db, 'lt', 'supervisor');
    await rig.t.db.prepare("UPDATE holds SET created_by = 'lt' WHERE id = ?").run(id);
    await expect((await rig.as('lt')).call('approveHold', {}, { id })).rejects.toThrow(
      /requested by lt: a second person/,
    );
    await rig.t.db.prepare("UPDATE holds SET created_by = 'deputy' WHERE id = ?").run(id);

    // Still pending: the purge takes the 25-day-old read the wide hold names.
    const other = addRead(rig.t.db, { plate: 'XYZ999', at: NOW - 25 * DAY });
    await purge();
    expect(exists(read) || exists(other)).toBe(false);

    const kept = addRead(rig.t.db, { plate: 'KEEP01', at: NOW - 22 * DAY });
    const approved = await sarge.call('approveHold', { note: 'homicide pattern' }, { id });
    expect(approved).toMatchObject({
      kept_reads: 1,
      hold: { approval: 'approved', approvedBy: 'sarge', protects: true },
    });
    await purge();
    expect(exists(kept)).toBe(true);
  });

  it('exports nothing a wide hold names until it is approved', async () => {
    addRead(rig.t.db, { plate: 'ABC123', at: NOW - 10 * DAY });
    const usb = join(rig.t.dir, 'usb');
    mkdirSync(usb);
    const { hold } = await deputy.call('createHold', { ...CASE, reason: 'wide', from: NOW - 20 * DAY, to: NOW });
    await expect(
      deputy.call('exportEvidence', { ...CASE, destination: usb, plain_reason: 'copy for the court' }),
    ).rejects.toThrow(/no active evidence hold of case CR26-9 covers any read/);
    await sarge.call('approveHold', {}, { id: hold.id });
    await expect(
      deputy.call('exportEvidence', { ...CASE, destination: usb, plain_reason: 'copy for the court' }),
    ).resolves.toMatchObject({ reads: 1 });
  });

  it('lets a hold lapse at its review date unless renewed with a reason', async () => {
    const read = addRead(rig.t.db, { plate: 'ABC123', at: NOW - 2 * DAY });
    const h = (await deputy.call('createHold', { ...CASE, reason: 'evidence', read_ids: [read] })).hold;
    rig.clock.advance(366 * DAY);
    deputy = await rig.as('deputy'); // the old session expired meanwhile
    expect((await deputy.call('listHolds', {})).holds[0]).toMatchObject({ id: h.id, protects: false });
    await expect(deputy.call('renewHold', { reason: ' ' }, { id: h.id })).rejects.toThrow(
      /say why the hold is still needed/,
    );
    const renewed = (await deputy.call('renewHold', { reason: 'trial set for March' }, { id: h.id })).hold;
    expect(renewed).toMatchObject({
      protects: true,
      renewals: 1,
      renewedBy: 'deputy',
      reviewAt: rig.clock.now() + 365 * DAY,
    });
    await purge();
    expect(exists(read)).toBe(true);

    rig.clock.advance(366 * DAY);
    await purge();
    expect(exists(read)).toBe(false);
  });

  it('lists broad, long and overdue holds in the audit report', async () => {
    await addUser(rig.t.db, 'aud', 'auditor', { expiresOn: isoDay(NOW + 600 * DAY) });
    const read = addRead(rig.t.db, { plate: 'ABC123', at: NOW - 2 * DAY });
    const wide = (await deputy.call('createHold', { ...CASE, reason: 'wide', from: NOW - 30 * DAY, to: NOW })).hold;
    const narrow = (await deputy.call('createHold', { ...CASE, reason: 'narrow', read_ids: [read] })).hold;
    rig.clock.advance(400 * DAY);
    const { report } = await (await rig.as('aud')).call('auditReport', { from: NOW, to: rig.clock.now() });
    expect(report.hold_concerns.broad.map((h) => h.id)).toEqual([wide.id]);
    expect(report.hold_concerns.long.map((h) => h.id)).toEqual([wide.id, narrow.id]);
    expect(report.hold_concerns.overdue.map((h) => h.id)).toEqual([wide.id, narrow.id]);
  });

  it('says in the CLI that a wide hold awaits approval, and approves it', async () => {
    const cli = async (args: string[], user: string) => {
      const io = fakeIo(['correct horse battery']);
      const code = await runCli([...args, '--user', user, '--socket', rig.socket], io);
      return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
    };
    const add = await cli(
      ['holds', 'add', '--case', 'CR26-9', '--reason', 'wide', '--from', '2026-10-01', '--to', '2026-11-01'],
      'deputy',
    );
    expect(add.out).toMatch(
      /protects nothing until a supervisor or administrator approves it \(alpr-edge holds approve 1\)/,
    );
    expect((await cli(['holds', 'approve', '1'], 'deputy')).err).toMatch(/operator role may not hold approve/);
    expect((await cli(['holds', 'approve', '1'], 'sarge')).out).toMatch(/hold 1 \(case CR26-9\) approved/);
    expect((await cli(['holds', 'renew', '1', '--reason', 'trial'], 'sarge')).out).toMatch(/renewed until/);
  });
});

describe('424.4 holds made before the approval rule', () => {
  it('cuts an old range hold off at the day it was made and marks a wide one for review', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-holds-'));
    const file = join(dir, 'edge.db');
    const db = openDatabase(file, { migrations: migrations.filter((m) => m.id < 27) });
    db.prepare(`INSERT INTO holds (case_number, reason, created_by, created_at, scope_kind, from_ms, to_ms)
      VALUES ('CR1', 'keep all', 'x', ?, 'range', 0, ?)`).run(NOW, Date.UTC(2999, 11, 31));
    db.close();
    const after = openDatabase(file);
    const [h] = new HoldStore(after).list();
    expect(h).toMatchObject({ approval: 'predates_rule', reviewAt: NOW + 365 * DAY, scope: { from: 0, to: NOW } });
    after.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
