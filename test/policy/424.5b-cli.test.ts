import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../daemon/cli/main.js';
import { Bootstrap } from '../../daemon/access/bootstrap.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { addHit, addRead, fakeIo } from './fixture.js';

// Policy 424.5(b) through the CLI, the daemon's API client: a password prompt (never an argument)
// before any data, everything audited inside the daemon.
describe('424.5(b) the alpr-edge governance commands', () => {
  let rig: ApiRig<typeof systemClock>;
  let t: ApiRig['t'];
  const ADMIN_PW = 'chief admin passphrase';
  const OP_PW = 'deputy passphrase 1';
  const OP_FIRST = 'first issued phrase 7';
  const SARGE_PW = 'sergeant stripes phrase 4';
  beforeEach(async () => {
    rig = await startApi({ clock: systemClock });
    t = rig.t;
  });
  afterEach(() => rig.close());

  async function cli(args: string[], secrets: string[] = []): Promise<{ code: number; out: string; err: string }> {
    const io = fakeIo(secrets);
    const code = await runCli([...args, '--socket', rig.socket], io);
    return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
  }

  it('bootstraps an administrator, adds a trained operator, and lets them search, verify, hold, export and report', async () => {
    // The daemon wrote the one-time secret when it started; only the unit administrator can read it.
    const secret = new Bootstrap(t.db, t.dir).readSecret()!;
    const bootstrap = [
      'users',
      'bootstrap',
      '--new-user',
      'chief',
      '--full-name',
      'Chief Deputy',
      '--employee-number',
      'E-100',
    ];
    const wrong = await cli(bootstrap, ['not the secret', ADMIN_PW, ADMIN_PW]);
    expect(wrong).toMatchObject({ code: 77, err: expect.stringMatching(/bootstrap secret is wrong/) });
    expect((await cli(bootstrap, [secret, ADMIN_PW, ADMIN_PW])).code).toBe(0);
    expect(
      (
        await cli(
          [
            'users',
            'add',
            'deputy',
            '--role',
            'operator',
            '--full-name',
            'Dana Puty',
            '--employee-number',
            'E-200',
            '--user',
            'chief',
          ],
          [ADMIN_PW, OP_FIRST, OP_FIRST],
        )
      ).code,
    ).toBe(0);
    // The administrator chose that password: the deputy must choose their own before anything else.
    const forced = await cli(['records', 'list', '--user', 'deputy'], [OP_FIRST]);
    expect(forced).toMatchObject({ code: 77, err: expect.stringMatching(/must change password/) });
    expect((await cli(['users', 'passwd', '--user', 'deputy'], [OP_FIRST, OP_PW, OP_PW])).code).toBe(0);

    const refused = await cli(
      [
        'search',
        '--plate',
        'AB*',
        '--from',
        '-1d',
        '--to',
        'now',
        '--purpose',
        'patrol_operation',
        '--case',
        'INC-1',
        '--user',
        'deputy',
      ],
      [OP_PW],
    );
    expect(refused).toMatchObject({ code: 77 });
    expect(refused.err).toMatch(/no ALPR training on record/);

    // Training is recorded by someone other than the trainee: the chief records the deputy's, a
    // supervisor the chief's. An expiry years away is refused.
    const completed = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const selfTraining = await cli(
      ['users', 'training', 'chief', '--completed-on', completed, '--user', 'chief'],
      [ADMIN_PW],
    );
    expect(selfTraining).toMatchObject({ code: 77, err: expect.stringMatching(/someone other than the trainee/) });
    const longTraining = await cli(
      ['users', 'training', 'deputy', '--completed-on', completed, '--expires-on', '2099-01-10', '--user', 'chief'],
      [ADMIN_PW],
    );
    expect(longTraining).toMatchObject({ code: 77, err: expect.stringMatching(/valid at most 365 days/) });
    expect(
      (await cli(['users', 'training', 'deputy', '--completed-on', completed, '--user', 'chief'], [ADMIN_PW])).out,
    ).toMatch(/training recorded for deputy/);
    const sarge = ['--role', 'supervisor', '--full-name', 'Sam Sarge', '--employee-number', 'E-300'];
    expect(
      (await cli(['users', 'add', 'sarge', ...sarge, '--user', 'chief'], [ADMIN_PW, OP_FIRST, OP_FIRST])).code,
    ).toBe(0);
    expect((await cli(['users', 'passwd', '--user', 'sarge'], [OP_FIRST, SARGE_PW, SARGE_PW])).code).toBe(0);
    expect(
      (await cli(['users', 'training', 'chief', '--completed-on', completed, '--user', 'sarge'], [SARGE_PW])).code,
    ).toBe(0);
    const readId = addRead(t.db, { plate: 'ABC123', at: Date.now() - 3_600_000 });
    const hitId = addHit(t.db, readId);
    const found = await cli(
      [
        'search',
        '--plate',
        'AB?1*',
        '--from',
        '-1d',
        '--to',
        'now',
        '--purpose',
        'patrol_operation',
        '--case',
        'INC-1',
        '--user',
        'deputy',
      ],
      [OP_PW],
    );
    expect(found.out).toContain('ABC123');
    expect(found.out).toContain('1 read(s)');
    expect(
      (await cli(['search', '--plate', 'AB*', '--from', '-1d', '--to', 'now', '--user', 'deputy'], [OP_PW])).err,
    ).toMatch(/purpose is required/);

    expect(
      (
        await cli(
          [
            'hits',
            'list',
            '--from',
            '-1d',
            '--to',
            'now',
            '--purpose',
            'hit_verification',
            '--case',
            'INC-1',
            '--user',
            'deputy',
          ],
          [OP_PW],
        )
      ).out,
    ).toContain('UNVERIFIED');
    expect(
      (
        await cli(
          ['hits', 'verify', hitId, '--outcome', 'confirmed', '--ref', 'CBI-42', '--case', 'INC-1', '--user', 'deputy'],
          [OP_PW],
        )
      ).out,
    ).toMatch(/confirmed by deputy/);
    expect(
      (
        await cli(
          ['holds', 'add', '--case', 'CR26-7', '--reason', 'stolen vehicle', '--read', readId, '--user', 'deputy'],
          [OP_PW],
        )
      ).out,
    ).toMatch(/hold 1 on case CR26-7/);
    const usb = join(t.dir, 'usb');
    mkdirSync(usb);
    const PKG_PW = 'evidence locker 7 passphrase';
    const exp = await cli(
      ['evidence', 'export', '--case', 'CR26-7', '--to', usb, '--user', 'deputy'],
      [OP_PW, PKG_PW, PKG_PW],
    );
    expect(exp.code).toBe(0);
    const file = exp.out.split('\n')[1]!.trim();
    expect(file).toMatch(/\.alpr-evidence$/);
    const pub = join(t.dir, 'unit.pub');
    expect((await cli(['unit', 'key', '--out', pub])).code).toBe(0);
    const sha = /manifest SHA-256 ([0-9a-f]{64})/.exec(exp.out)![1]!;
    const verifyIo = fakeIo([PKG_PW]);
    expect(await runCli(['evidence', 'verify', file, '--pubkey', pub, '--expect', sha], verifyIo)).toBe(0);
    expect(verifyIo.lines[0]).toMatch(/intact — signed by unit unit-1/);
    // The registry, not the deputy, says USPIS is federal.
    expect((await cli(['agencies', 'add', 'USPIS', '--level', 'federal', '--user', 'chief'], [ADMIN_PW])).out).toBe(
      'agency "USPIS" registered as federal',
    );
    expect(
      (
        await cli(
          [
            'releases',
            'add',
            '--agency',
            'USPIS',
            '--hold',
            '1',
            '--officer',
            'Insp. R',
            '--legal-basis',
            'subpoena',
            '--what',
            'package',
            '--case',
            'CR26-7',
            '--purpose',
            'criminal_investigation',
            '--user',
            'deputy',
          ],
          [OP_PW],
        )
      ).err,
    ).toMatch(/County Attorney/);
    expect(
      (await cli(['records', 'add', '--requester', 'J. Public', '--description', 'reads', '--user', 'deputy'], [OP_PW]))
        .out,
    ).toMatch(/referred to the Records Manager/);

    const html = join(t.dir, 'report.html');
    const json = join(t.dir, 'report.json');
    const rep = await cli(
      ['audit', 'report', '--from', '-1d', '--to', 'now', '--html', html, '--json', json, '--user', 'chief'],
      [ADMIN_PW],
    );
    expect(rep.code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('ALPR audit report');
    expect(JSON.parse(readFileSync(json, 'utf8')).hits.confirmed).toBe(1);
    expect((await cli(['audit', 'verify', '--user', 'chief'], [ADMIN_PW])).out).toMatch(/audit log intact/);
  });

  it('never takes a password on the command line', async () => {
    const r = await cli(['search', '--password', 'x', '--plate', 'A*']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown option --password/);
  });

  it('takes no database path: only the daemon opens the database', async () => {
    const target = join(t.dir, 'elsewhere.db');
    const commands = [
      ['search'],
      ['hits', 'list'],
      ['holds', 'list'],
      ['evidence', 'export'],
      ['releases', 'add'],
      ['records', 'list'],
      ['audit', 'verify'],
      ['users', 'list'],
      ['users', 'bootstrap'],
      ['hotlist', 'list'],
    ];
    for (const c of commands) {
      const r = await cli([...c, '--db', target]);
      expect([c, r.code, r.err]).toEqual([c, 1, expect.stringMatching(/unknown option --db/)]);
    }
    expect(existsSync(target)).toBe(false);
  });

  it('prints help for every governance command', async () => {
    for (const c of ['users', 'search', 'hits', 'holds', 'evidence', 'releases', 'records', 'audit']) {
      const io = fakeIo();
      expect(await runCli([c, '--help'], io)).toBe(0);
      expect(io.lines.join('\n')).toMatch(/usage: alpr-edge/);
    }
  });

  it('reports a tampered audit log with exit 2', async () => {
    const secretFile = new Bootstrap(t.db, t.dir).ensureSecret(Date.now())!;
    const secret = readFileSync(secretFile, 'utf8').trim();
    await cli(
      ['users', 'bootstrap', '--new-user', 'chief', '--full-name', 'Chief Deputy', '--employee-number', 'E-100'],
      [secret, ADMIN_PW, ADMIN_PW],
    );
    expect(existsSync(secretFile)).toBe(false);
    t.db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET username = 'nobody' WHERE seq = 1;");
    const r = await cli(['audit', 'verify', '--user', 'chief'], [ADMIN_PW]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/entry 1 was edited/);
  });
});
