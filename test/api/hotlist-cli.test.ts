import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runCli } from '../../daemon/cli/main.js';
import { HitStore } from '../../daemon/store/hits.js';
import { AuditLog, useAuditKey } from '../../daemon/store/audit-log.js';
import { addRead, addUser, fakeIo, NOW, PASSWORD } from '../policy/fixture.js';
import { startApi, type ApiRig } from './api-fixture.js';

// alpr-edge hotlist as a client of the daemon: the daemon's own HotlistService does the work.
describe('alpr-edge hotlist', () => {
  let rig: ApiRig;
  let t: ApiRig['t'];
  const sample = join(process.cwd(), 'test-fixtures', 'hotlists', 'sample.csv');
  beforeEach(async () => {
    rig = await startApi({ hotlists: { sources: [{ id: 'cbi', format: 'csv', file: sample }] } });
    t = rig.t;
  });
  afterEach(() => rig.close());

  it('lets a trained operator add, list and remove a local entry, audited, with retrospective hits from stored reads', async () => {
    await addUser(t.db, 'op', 'operator');
    const readId = addRead(t.db, { plate: 'XK4471', at: NOW - 3600_000 });
    const io = fakeIo([PASSWORD, PASSWORD, PASSWORD]);
    const add = [
      'hotlist',
      'add',
      '--socket',
      rig.socket,
      '--user',
      'op',
      '--plate',
      'xk4-*',
      '--category',
      'investigation',
      '--reason',
      'shooting suspect',
      '--purpose',
      'criminal_investigation',
      '--case',
      '26-1234',
      '--days',
      '7',
    ];
    expect(await runCli(add, io)).toBe(0);
    expect(io.lines.join('\n')).toMatch(/added .*XK4\* investigation/);
    expect(io.lines.join('\n')).toMatch(/1 retrospective hit\(s\) raised/);
    expect(new HitStore(t.db).forRead(readId)).toEqual([
      expect.objectContaining({ retrospective: true, status: 'unverified', matchKind: 'wildcard' }),
    ]);

    expect(await runCli(['hotlist', 'list', '--socket', rig.socket, '--user', 'op'], io)).toBe(0);
    const id = /^(\S{36})\s+XK4\*/m.exec(io.lines.join('\n'))![1]!;
    expect(await runCli(['hotlist', 'remove', id, '--socket', rig.socket, '--user', 'op'], io)).toBe(0);
    const audit = t.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'hotlist_manage' AND outcome = 'allowed' ORDER BY seq")
      .all() as { detail: string }[];
    expect(audit.map((a) => JSON.parse(a.detail).op)).toEqual(['add', 'list', 'remove']);
  });

  it('adds a local entry to a keyed audit log: the daemon holds the key, the CLI gives none', async () => {
    useAuditKey(t.db, randomBytes(32));
    await addUser(t.db, 'op', 'operator');
    new AuditLog(t.db).append({ at: NOW, username: 'system', role: 'system', action: 'start', outcome: 'allowed' });
    const io = fakeIo([PASSWORD]);
    const add = ['hotlist', 'add', '--socket', rig.socket, '--user', 'op', '--plate', 'ABC123'];
    const more = ['--category', 'investigation', '--reason', 'suspect', '--purpose', 'criminal_investigation'];
    expect(await runCli([...add, ...more, '--case', '26-1', '--days', '7'], io)).toBe(0);
    expect(new AuditLog(t.db).verify()).toMatchObject({ ok: true, keyed: true });
    const last = new AuditLog(t.db).between(0, NOW + 86_400_000).pop();
    expect(last).toMatchObject({
      action: 'hotlist_manage',
      outcome: 'allowed',
      mac: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('refuses a technician and an untrained operator with exit 77 and stores nothing', async () => {
    await addUser(t.db, 'tech', 'technician');
    await addUser(t.db, 'newbie', 'operator', { trained: false });
    for (const user of ['tech', 'newbie']) {
      const io = fakeIo([PASSWORD]);
      const code = await runCli(
        [
          'hotlist',
          'add',
          '--socket',
          rig.socket,
          '--user',
          user,
          '--plate',
          'ABC123',
          '--category',
          'bolo',
          '--reason',
          'r',
          '--days',
          '1',
        ],
        io,
      );
      expect(code).toBe(77);
      expect(io.errors.join('\n')).toMatch(/refused: .*(may not|training)/);
    }
    expect((t.db.prepare('SELECT count(*) AS n FROM hotlist_local_entries').get() as { n: number }).n).toBe(0);
  });

  it('refuses an entry without a purpose and case, audits the refusal, and stores nothing', async () => {
    await addUser(t.db, 'op', 'operator');
    const io = fakeIo([PASSWORD]);
    const args = ['hotlist', 'add', '--socket', rig.socket, '--user', 'op', '--plate', 'AB*', '--category', 'bolo'];
    expect(await runCli([...args, '--reason', 'r', '--days', '1'], io)).toBe(77);
    expect(io.errors.join('\n')).toMatch(/refused: a purpose is required/);
    const [e] = new AuditLog(t.db).between(0, Number.MAX_SAFE_INTEGER).filter((x) => x.action === 'hotlist_manage');
    expect(e).toMatchObject({ username: 'op', outcome: 'refused' });
    expect((t.db.prepare('SELECT count(*) AS n FROM hotlist_local_entries').get() as { n: number }).n).toBe(0);
  });

  it('syncs the configured lists now and prints every rejected row with file and line', async () => {
    await addUser(t.db, 'tech', 'technician');
    const io = fakeIo([PASSWORD]);
    expect(await runCli(['hotlist', 'sync', '--socket', rig.socket, '--user', 'tech'], io)).toBe(0);
    const out = io.lines.join('\n');
    expect(out).toMatch(/^cbi: loaded; in use: cbi@\S+, 4 entries/m);
    expect(out).toMatch(/sample\.csv:6: unknown category "unicorn"/);
    const again = fakeIo([PASSWORD]);
    expect(await runCli(['hotlist', 'status', '--socket', rig.socket, '--user', 'tech', '--json'], again)).toBe(0);
    expect(JSON.parse(again.lines.join('\n'))).toMatchObject({
      sources: [{ id: 'cbi', entries: 4, rows_rejected: 4 }],
    });
  });
});
