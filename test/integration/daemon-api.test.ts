import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../daemon/cli/main.js';
import { fakeIo } from '../policy/fixture.js';
import { DaemonProcess, ROOT, waitUntil } from '../helpers/daemon.js';
import { DRIVE_BY_CLIP } from '../helpers/rtsp-server.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'fake-analyzer-daemon.ts');
const ADMIN_PW = 'chief admin passphrase';
const FIRST_PW = 'first issued phrase 7';
const SARGE_PW = 'sergeant stripes phrase 4';

// The one door, end to end: the real daemon process listens on its socket, and the CLI, run as
// a client in this process, bootstraps, searches and checks the audit log only through it.
describe('the daemon serves its API on a UNIX socket (real daemon process)', () => {
  let daemon: DaemonProcess | undefined;
  afterAll(() => daemon?.cleanup());

  it('answers the CLI on a 0660 socket, refuses a malformed purpose with an audit entry, and removes the socket on stop', async () => {
    daemon = DaemonProcess.start(
      `
unit: { id: door1 }
storage: { path: $STATE }
cameras:
  - { id: road, name: Road, url: ${DRIVE_BY_CLIP}, fps: 2, location: { text: Test road, lat: 39.74, lon: -105.51 } }
`,
      {},
      FIXTURE,
    );
    const d = daemon;
    await waitUntil(
      () => d.logs.some((l) => l.msg === 'alpr-edge started'),
      60_000,
      `the daemon to start (${d.stderr.slice(-300)})`,
    );
    expect(statSync(d.socket).isSocket()).toBe(true);
    expect(statSync(d.socket).mode & 0o777).toBe(0o660);

    const cli = async (args: string[], secrets: string[]) => {
      const io = fakeIo(secrets);
      const code = await runCli([...args, '--socket', d.socket], io);
      return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
    };
    // The daemon issued the one-time secret at start, in its own storage folder.
    const secret = readFileSync(join(d.dir, 'bootstrap-secret'), 'utf8').trim();
    const boot = await cli(
      ['users', 'bootstrap', '--new-user', 'chief', '--full-name', 'Chief Deputy', '--employee-number', 'E-100'],
      [secret, ADMIN_PW, ADMIN_PW],
    );
    expect(boot).toMatchObject({ code: 0 });
    expect(existsSync(join(d.dir, 'bootstrap-secret'))).toBe(false);
    // Training is recorded by someone else: a supervisor the chief adds records the chief's.
    const sarge = ['--role', 'supervisor', '--full-name', 'Sam Sarge', '--employee-number', 'E-300'];
    expect(
      (await cli(['users', 'add', 'sarge', ...sarge, '--user', 'chief'], [ADMIN_PW, FIRST_PW, FIRST_PW])).code,
    ).toBe(0);
    expect((await cli(['users', 'passwd', '--user', 'sarge'], [FIRST_PW, SARGE_PW, SARGE_PW])).code).toBe(0);
    const completed = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    expect(
      (await cli(['users', 'training', 'chief', '--completed-on', completed, '--user', 'sarge'], [SARGE_PW])).code,
    ).toBe(0);

    const ok = await cli(
      [
        'search',
        '--plate',
        'HOT*',
        '--from',
        '-1d',
        '--to',
        'now',
        '--purpose',
        'patrol_operation',
        '--case',
        'INC-7',
        '--user',
        'chief',
      ],
      [ADMIN_PW],
    );
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/read\(s\)/);
    const bad = await cli(
      [
        'search',
        '--plate',
        'HOT*',
        '--from',
        '-1d',
        '--to',
        'now',
        '--purpose',
        'curiosity',
        '--case',
        'INC-7',
        '--user',
        'chief',
      ],
      [ADMIN_PW],
    );
    expect(bad).toMatchObject({
      code: 77,
      err: expect.stringMatching(/^refused: "curiosity" is not a purpose category/),
    });
    expect(d.query<{ outcome: string }>("SELECT outcome FROM audit_log WHERE action = 'search' ORDER BY seq")).toEqual([
      { outcome: 'allowed' },
      { outcome: 'refused' },
    ]);
    expect((await cli(['audit', 'verify', '--user', 'chief'], [ADMIN_PW])).out).toMatch(/audit log intact/);

    // The unit key that signs evidence was made on the first start (0600, in the state folder),
    // logged by fingerprint, and is handed out without a login.
    expect(statSync(join(d.dir, 'unit-key.pem')).mode & 0o777).toBe(0o600);
    const fp = d.logs.find((l) => l.msg === 'unit key loaded')?.unit_key_sha256;
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect((await cli(['unit', 'key'], [])).out).toContain(`unit door1 key SHA-256 fingerprint: ${fp}`);

    expect(await d.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(d.socket)).toBe(false);
    const after = await cli(['audit', 'verify', '--user', 'chief'], [ADMIN_PW]);
    expect(after).toMatchObject({ code: 69, err: expect.stringMatching(/the unit's daemon is not running/) });
  }, 120_000);

  it('makes and uses the evidence key where evidence.unit_key_file says', async () => {
    const d = DaemonProcess.start(
      `
unit: { id: door2 }
storage: { path: $STATE }
evidence: { unit_key_file: $STATE/keys/evidence-key.pem }
cameras:
  - { id: road, name: Road, url: ${DRIVE_BY_CLIP}, fps: 2, location: { text: Test road, lat: 39.74, lon: -105.51 } }
`,
      {},
      FIXTURE,
    );
    try {
      await waitUntil(
        () => d.logs.some((l) => l.msg === 'alpr-edge started'),
        60_000,
        `the daemon to start (${d.stderr.slice(-300)})`,
      );
      expect(statSync(join(d.dir, 'keys', 'evidence-key.pem')).mode & 0o777).toBe(0o600);
      expect(existsSync(join(d.dir, 'unit-key.pem'))).toBe(false);
    } finally {
      await d.stop('SIGTERM');
      d.cleanup();
    }
  }, 120_000);
});
