import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './main.js';
import { addRead, addUser, fakeIo, PASSWORD, tempDb } from '../../test/policy/fixture.js';
import { HitStore } from '../store/hits.js';
import { AuditLog, useAuditKey } from '../store/audit-log.js';

describe('alpr-edge hotlist', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => (t = tempDb()));
  afterEach(() => t.close());

  it('lets a trained operator add, list and remove a local entry, audited, with retrospective hits from stored reads', async () => {
    await addUser(t.db, 'op', 'operator');
    const readId = addRead(t.db, { plate: 'XK4471', at: Date.now() - 3600_000 });
    const io = fakeIo([PASSWORD, PASSWORD, PASSWORD]);
    const add = [
      'hotlist',
      'add',
      '--db',
      t.file,
      '--user',
      'op',
      '--plate',
      'xk4-*',
      '--category',
      'investigation',
      '--reason',
      'shooting suspect',
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

    expect(await runCli(['hotlist', 'list', '--db', t.file, '--user', 'op'], io)).toBe(0);
    const id = /^(\S{36})\s+XK4\*/m.exec(io.lines.join('\n'))![1]!;
    expect(await runCli(['hotlist', 'remove', id, '--db', t.file, '--user', 'op'], io)).toBe(0);
    const audit = t.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'hotlist_manage' AND outcome = 'allowed' ORDER BY seq")
      .all() as { detail: string }[];
    expect(audit.map((a) => JSON.parse(a.detail).op)).toEqual(['add', 'list', 'remove']);
  });

  it('adds a local entry to a keyed audit log with the audit key, and is refused without it', async () => {
    const key = randomBytes(32);
    const keyFile = join(t.dir, 'audit-key');
    writeFileSync(keyFile, key, { mode: 0o400 });
    useAuditKey(t.db, key);
    await addUser(t.db, 'op', 'operator');
    new AuditLog(t.db).append({
      at: Date.now(),
      username: 'system',
      role: 'system',
      action: 'start',
      outcome: 'allowed',
    });
    const add = ['hotlist', 'add', '--db', t.file, '--user', 'op', '--plate', 'ABC123', '--category', 'investigation'];
    const more = ['--reason', 'suspect', '--case', '26-1', '--days', '7'];
    const keyless = fakeIo([PASSWORD]);
    expect(await runCli([...add, ...more], keyless)).toBe(1);
    expect(keyless.errors.join('\n')).toMatch(/does not hold the audit key/);
    const io = fakeIo([PASSWORD]);
    expect(await runCli([...add, ...more, '--audit-key', keyFile], io)).toBe(0);
    expect(new AuditLog(t.db).verify()).toMatchObject({ ok: true, keyed: true });
    const last = new AuditLog(t.db).between(0, Date.now() + 1).pop();
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
          '--db',
          t.file,
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

  it('syncs the configured lists now and prints every rejected row with file and line', async () => {
    const list = join(process.cwd(), 'test-fixtures', 'hotlists', 'sample.csv');
    const config = join(t.dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'unit: { id: u1 }',
        `storage: { path: ${t.dir} }`,
        'cameras: [{ id: front, name: Front, url: "rtsp://127.0.0.1/x", location: { lat: 39.74, lon: -105.51 } }]',
        `hotlists: { sources: [{ id: cbi, format: csv, file: ${list} }] }`,
        '',
      ].join('\n'),
    );
    const io = fakeIo();
    expect(await runCli(['hotlist', 'sync', '--config', config], io)).toBe(0);
    const out = io.lines.join('\n');
    expect(out).toMatch(/^cbi: loaded; in use: cbi@\S+, 4 entries/m);
    expect(out).toMatch(/sample\.csv:6: unknown category "unicorn"/);
    const again = fakeIo();
    expect(await runCli(['hotlist', 'status', '--config', config, '--json'], again)).toBe(0);
    expect(JSON.parse(again.lines.join('\n'))).toMatchObject({
      sources: [{ id: 'cbi', entries: 4, rows_rejected: 4 }],
    });
  });
});
