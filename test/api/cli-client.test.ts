import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { isoDay } from '../../daemon/access/users.js';
import { runCli } from '../../daemon/cli/main.js';
import { readPublicKey } from '../../daemon/evidence/unit-key.js';
import { readPackageFolder, verifyPackage } from '../../daemon/evidence/verify.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { addRead, addUser, DAY, fakeIo, NOW, PASSWORD } from '../policy/fixture.js';
import { startApi, type ApiRig } from './api-fixture.js';

const PURPOSE = ['--purpose', 'criminal_investigation', '--case', 'CR26-9'];
const PLAIN = ['--plain', '--reason', 'prosecutor asked for a plain copy'];
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

// The CLI as the daemon's client: output files are new files written by the user's own process.
describe('the alpr-edge CLI through the local API', () => {
  let rig: ApiRig;
  let readId: string;
  beforeEach(async () => {
    rig = await startApi();
    await addUser(rig.t.db, 'deputy', 'operator');
    await addUser(rig.t.db, 'chief', 'administrator');
    readId = addRead(rig.t.db, { plate: 'ABC123', at: NOW - 3_600_000 });
  });
  afterEach(() => rig.close());

  async function cli(args: string[], user = 'deputy'): Promise<{ code: number; out: string; err: string }> {
    const io = fakeIo([PASSWORD]);
    const code = await runCli([...args, '--user', user, '--socket', rig.socket], io);
    return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
  }

  it('saves a crop to a new file only the user can read', async () => {
    const file = join(rig.t.dir, 'crop.jpg');
    const r = await cli(['search', 'read', readId, '--crop', file, ...PURPOSE]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toContain(`crop saved to ${file}`);
    expect(readFileSync(file)).toEqual(JPEG);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to write a crop over an existing file, even the database, and leaves it intact', async () => {
    const db = rig.t.file;
    const before = readFileSync(db);
    const r = await cli(['search', 'read', readId, '--crop', db, ...PURPOSE]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`alpr-edge search: ${db} already exists: refusing to write over it; give a new file name`);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect((await cli(['audit', 'verify'], 'chief')).out).toMatch(/audit log intact/);
  });

  it('refuses to write through a symbolic link and leaves its target intact', async () => {
    const victim = join(rig.t.dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    chmodSync(victim, 0o666);
    const link = join(rig.t.dir, 'innocent.jpg');
    symlinkSync(victim, link);
    const r = await cli(['search', 'read', readId, '--crop', link, ...PURPOSE]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/innocent\.jpg is a symbolic link: refusing to write through it/);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');

    const html = join(rig.t.dir, 'report.html');
    symlinkSync(victim, html);
    const rep = await cli(['audit', 'report', '--from', '-1d', '--to', 'now', '--html', html], 'chief');
    expect(rep.err).toMatch(/report\.html is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it('writes an evidence package as new files in the user process, and refuses a link planted in its way', async () => {
    const usb = join(rig.t.dir, 'usb');
    mkdirSync(usb);
    expect((await cli(['holds', 'add', '--case', 'CR26-9', '--reason', 'suspect', '--read', readId])).code).toBe(0);
    // The package name is predictable (case and the unit's time): plant a link where it will be written.
    const stamp = new Date(NOW).toISOString().replace(/[:.]/g, '-');
    const victim = join(rig.t.dir, 'victim-dir');
    mkdirSync(victim);
    symlinkSync(victim, join(usb, `.alpr-evidence-CR26-9-${stamp}.partial`));
    const refused = await cli(['evidence', 'export', '--case', 'CR26-9', '--to', usb, ...PLAIN]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/\.partial is a symbolic link: refusing to write through it/);
    expect(readdirSync(victim)).toEqual([]);

    const other = join(rig.t.dir, 'usb2');
    mkdirSync(other);
    const ok = await cli(['evidence', 'export', '--case', 'CR26-9', '--to', other, ...PLAIN]);
    expect(ok).toMatchObject({ code: 0 });
    const dir = join(other, `alpr-evidence-CR26-9-${stamp}`);
    expect(ok.out).toContain(dir);
    expect(statSync(join(dir, 'manifest.json')).mode & 0o777).toBe(0o600);
    const publicKey = readPublicKey(join(rig.t.dir, 'unit-key.pem'));
    expect(verifyPackage(readPackageFolder(dir), { publicKey })).toMatchObject({ ok: true, problems: [] });
  });

  it("judges training and stamps the audit log on the daemon's clock, not the client's", async () => {
    await addUser(rig.t.db, 'lapsed', 'operator', { expiresOn: isoDay(NOW - DAY) });
    // The client's clock set back 700 days: its training would look current there.
    const now = jest.spyOn(Date, 'now').mockReturnValue(NOW - 700 * DAY);
    try {
      const r = await cli(['search', '--plate', 'AB*', '--from', '-1d', '--to', 'now', ...PURPOSE], 'lapsed');
      expect(r).toMatchObject({ code: 77, err: expect.stringMatching(/training expired on/) });
    } finally {
      now.mockRestore();
    }
    const [e] = new AuditLog(rig.t.db).between(0, Number.MAX_SAFE_INTEGER).filter((x) => x.action === 'search');
    expect(e).toMatchObject({ username: 'lapsed', outcome: 'refused', at: NOW });
  });

  it('says in one line that the daemon is not running, and how to start it', async () => {
    const socket = join(rig.t.dir, 'nobody-here.sock');
    const io = fakeIo([PASSWORD]);
    const code = await runCli(['hits', 'list', '--from', '-1d', '--to', 'now', ...PURPOSE, '--socket', socket], io);
    expect(code).toBe(69);
    expect(io.errors).toEqual([
      `alpr-edge: the unit's daemon is not running (no answer on ${socket}); start it with: sudo systemctl start alpr-edge`,
    ]);
    expect(io.prompts).toEqual([]);
    expect(existsSync(socket)).toBe(false);
  });

  it('refuses a malformed case with exit 77, and the daemon audits the refusal', async () => {
    const r = await cli([
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
      'x',
    ]);
    expect(r).toMatchObject({
      code: 77,
      err: 'refused: "x" is not a case or incident number (3-40 letters, digits, . _ / -)',
    });
    const entries = new AuditLog(rig.t.db).between(0, Number.MAX_SAFE_INTEGER).filter((e) => e.action === 'search');
    expect(entries.map((e) => [e.username, e.outcome, e.at])).toEqual([['deputy', 'refused', NOW]]);
  });
});
