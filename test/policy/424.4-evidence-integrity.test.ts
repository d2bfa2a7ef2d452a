import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../daemon/cli/main.js';
import { keyFingerprint } from '../../daemon/evidence/unit-key.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { addHit, addRead, addUser, fakeIo, NOW, PASSWORD } from './fixture.js';

const CASE = 'CR26-0420';
const PASSPHRASE = 'blue evidence locker 42';
const REASON = 'district attorney asked for a plain copy on sealed media';

type Run = { code: number; out: string; err: string; prompts: string[] };

// Policy 424.4 evidence on portable media, proved on the daemon's API (real socket, real SQLite)
// and the CLI: a package is signed by the unit key, private by default, and every tampering an
// auditor tried is refused by `evidence verify` with its own message.
describe('424.4 signed, confined and private evidence packages', () => {
  let rig: ApiRig;
  let pub: string;
  let plainDir: string;
  let plainSha: string;
  let unitKey: KeyObject;
  let n = 0;

  async function cli(args: string[], secrets: string[] = []): Promise<Run> {
    const io = fakeIo(secrets);
    const code = await runCli(args, io);
    return { code, out: io.lines.join('\n'), err: io.errors.join('\n'), prompts: io.prompts };
  }
  /** A command that talks to the daemon, as the deputy. */
  function asDeputy(args: string[], secrets: string[] = []): Promise<Run> {
    return cli([...args, '--user', 'deputy', '--socket', rig.socket], [PASSWORD, ...secrets]);
  }
  function freshFolder(): string {
    const d = join(rig.t.dir, `usb-${++n}`);
    mkdirSync(d);
    return d;
  }
  /** A copy of the intact plain package to tamper with. */
  function copy(): string {
    const d = join(freshFolder(), 'pkg');
    cpSync(plainDir, d, { recursive: true });
    return d;
  }
  function verify(pkg: string, extra: string[] = [], secrets: string[] = []): Promise<Run> {
    return cli(['evidence', 'verify', pkg, '--pubkey', pub, ...extra], secrets);
  }
  function manifestOf(
    dir: string,
  ): Record<string, unknown> & { files: { path: string; bytes: number; sha256: string }[] } {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  }
  /** Writes `manifest` and, with a key, its signature: what someone holding that key could do. */
  function writeManifest(dir: string, manifest: unknown, key?: KeyObject): void {
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(dir, 'manifest.json'), bytes);
    if (key) writeFileSync(join(dir, 'manifest.sig'), `${sign(null, bytes, key).toString('base64')}\n`);
  }
  const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
  /** The problems verify printed, without the "NOT INTACT" heading. */
  const problems = (r: Run): string[] =>
    r.err
      .split('\n')
      .slice(1)
      .map((l) => l.trim());

  beforeAll(async () => {
    rig = await startApi();
    await addUser(rig.t.db, 'deputy', 'operator');
    const a = addRead(rig.t.db, { plate: 'SUSP01', at: NOW - 3_600_000 });
    addHit(rig.t.db, a);
    const b = addRead(rig.t.db, { plate: 'SUSP02', at: NOW - 7_200_000 });
    expect(
      (await asDeputy(['holds', 'add', '--case', CASE, '--reason', 'robbery suspect', '--read', `${a},${b}`])).code,
    ).toBe(0);
    pub = join(rig.t.dir, 'unit.pub');
    expect((await cli(['unit', 'key', '--out', pub, '--socket', rig.socket])).code).toBe(0);
    unitKey = createPrivateKey(readFileSync(join(rig.t.dir, 'unit-key.pem')));
    const exp = await asDeputy([
      'evidence',
      'export',
      '--case',
      CASE,
      '--to',
      freshFolder(),
      '--plain',
      '--reason',
      REASON,
    ]);
    expect(exp.code).toBe(0);
    plainDir = exp.out.split('\n')[1]!.trim();
    plainSha = /manifest SHA-256 ([0-9a-f]{64})/.exec(exp.out)![1]!;
  });
  afterAll(() => rig.close());

  describe('the unit key', () => {
    it('is created 0600 beside the database, and `unit key` prints it and its fingerprint without a login', async () => {
      expect(statSync(join(rig.t.dir, 'unit-key.pem')).mode & 0o777).toBe(0o600);
      const r = await cli(['unit', 'key', '--socket', rig.socket]);
      expect(r.code).toBe(0);
      expect(r.prompts).toEqual([]);
      expect(r.out).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n/);
      const fp = keyFingerprint(createPublicKey(readFileSync(join(rig.t.dir, 'unit-key.pem'))));
      expect(r.out).toContain(`unit unit-1 key SHA-256 fingerprint: ${fp}`);
      expect(manifestOf(plainDir).unit_key_sha256).toBe(fp);
    });

    it('is named by its fingerprint in the audit report, summary and page', async () => {
      await addUser(rig.t.db, 'auditor', 'auditor');
      const html = join(rig.t.dir, 'report.html');
      const r = await cli(
        [
          'audit',
          'report',
          '--from',
          '-1d',
          '--to',
          'now',
          '--html',
          html,
          '--user',
          'auditor',
          '--socket',
          rig.socket,
        ],
        [PASSWORD],
      );
      const fp = String(manifestOf(plainDir).unit_key_sha256);
      expect(r.out).toContain(`unit key (signs evidence packages): SHA-256 ${fp}`);
      expect(readFileSync(html, 'utf8')).toContain(`Unit key (signs evidence packages): SHA-256 <code>${fp}</code>`);
    });
  });

  describe('an intact package', () => {
    it('verifies, with the manifest hash the audit log recorded at export', async () => {
      const written = new AuditLog(rig.t.db)
        .between(0, Number.MAX_SAFE_INTEGER)
        .filter((e) => e.action === 'export_written')
        .pop()!;
      expect(written.detail.manifest_sha256).toBe(plainSha);
      const r = await verify(plainDir, ['--expect', String(written.detail.manifest_sha256)]);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(
        /intact — signed by unit unit-1 \(key SHA-256 [0-9a-f]{64}\); \d+ files match the manifest/,
      );
      expect(r.out).toContain('(as the audit log recorded)');
    });

    it('is written plain only with a reason, which the export audit entry records, in a 0700 folder of 0600 files', async () => {
      const exportEntry = new AuditLog(rig.t.db)
        .between(0, Number.MAX_SAFE_INTEGER)
        .filter((e) => e.action === 'export')
        .shift()!;
      expect(exportEntry.query).toMatchObject({ protection: 'plain', plain_reason: REASON });
      expect(statSync(plainDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(plainDir, 'crops')).mode & 0o777).toBe(0o700);
      for (const f of ['manifest.json', 'manifest.sig', 'reads.csv'])
        expect(statSync(join(plainDir, f)).mode & 0o777).toBe(0o600);

      const noReason = await asDeputy(['evidence', 'export', '--case', CASE, '--to', freshFolder(), '--plain']);
      expect(noReason).toMatchObject({ code: 1, prompts: [] });
      expect(noReason.err).toBe(
        'alpr-edge evidence: --plain needs --reason TEXT: why the package may leave unencrypted (it is audited)',
      );
      // A client of the API that asks for neither gets nothing, and the attempt is audited.
      const api = await rig.as('deputy');
      await expect(api.call('exportEvidence', { case: CASE })).rejects.toThrow(
        'say how the package leaves: a passphrase to encrypt it, or a reason for a plain one (--plain --reason)',
      );
      await expect(
        api.call('exportEvidence', { case: CASE, passphrase: PASSPHRASE, plain_reason: REASON }),
      ).rejects.toThrow('give a passphrase (encrypted package) or plain_reason (plain folder, audited), not both');
      const last = new AuditLog(rig.t.db)
        .between(0, Number.MAX_SAFE_INTEGER)
        .filter((e) => e.action === 'export')
        .pop()!;
      expect(last).toMatchObject({
        outcome: 'failed',
        detail: { error: expect.stringMatching(/say how the package/) },
      });
    });
  });

  describe('tampering', () => {
    it('refuses an edited file', async () => {
      const d = copy();
      appendFileSync(join(d, 'reads.csv'), 'SUSP99,forged\r\n');
      const r = await verify(d);
      expect(r.code).toBe(1);
      expect(r.err.split('\n')[0]).toBe(`${d}: NOT INTACT`);
      expect(problems(r)).toEqual(['reads.csv: changed (SHA-256 does not match the manifest)']);
    });

    it('refuses a manifest recomputed after an edit: the signature no longer matches', async () => {
      const d = copy();
      const csv = readFileSync(join(d, 'reads.csv'), 'utf8').replace('SUSP01', 'OTHER1');
      writeFileSync(join(d, 'reads.csv'), csv);
      const m = manifestOf(d);
      const e = m.files.find((f) => f.path === 'reads.csv')!;
      e.sha256 = sha256(csv);
      e.bytes = Buffer.byteLength(csv);
      writeManifest(d, m);
      expect(problems(await verify(d))).toEqual([
        'manifest.sig: the signature does not verify with this public key: manifest.json was changed after the unit signed it, or another key signed it',
      ]);
    });

    it("refuses a manifest re-signed with another key, and an intact package checked against another unit's key", async () => {
      const foreign = generateKeyPairSync('ed25519');
      const d = copy();
      const m = manifestOf(d);
      m.unit_key_sha256 = keyFingerprint(foreign.publicKey);
      writeManifest(d, m, foreign.privateKey);
      const [only, ...rest] = problems(await verify(d));
      expect(rest).toEqual([]);
      expect(only).toMatch(
        /^manifest\.sig: signed by another key \(the manifest names key [0-9a-f]{16}…, the public key given is [0-9a-f]{16}…\): not this unit's package, or a forgery$/,
      );

      const d2 = copy();
      writeManifest(d2, manifestOf(d2), foreign.privateKey);
      expect(problems(await verify(d2))[0]).toMatch(
        /^manifest\.sig: the signature does not verify with this public key/,
      );

      const otherPub = join(rig.t.dir, 'other.pub');
      writeFileSync(otherPub, foreign.publicKey.export({ type: 'spki', format: 'pem' }));
      const r = await cli(['evidence', 'verify', plainDir, '--pubkey', otherPub]);
      expect(r.code).toBe(1);
      expect(problems(r)[0]).toMatch(/^manifest\.sig: signed by another key/);
    });

    it.each([
      ['../outside.txt', 'a path that leaves the package'],
      ['crops/../../outside.txt', 'a path that leaves the package'],
      ['/etc/hostname', 'an absolute path'],
    ])('never reads a manifest path %s, even when the unit key signed it', async (path, why) => {
      const d = copy();
      writeFileSync(join(d, '..', 'outside.txt'), 'outside');
      const m = manifestOf(d);
      m.files.push({ path, bytes: 7, sha256: sha256('outside') });
      writeManifest(d, m, unitKey);
      expect(problems(await verify(d))).toEqual([
        `manifest.json lists ${JSON.stringify(path)}: ${why} (refused; nothing outside the package is read)`,
      ]);
    });

    it('refuses a file replaced by a symbolic link, without following it', async () => {
      const d = copy();
      const outside = join(d, '..', 'reads-elsewhere.json');
      cpSync(join(d, 'reads.json'), outside);
      rmSync(join(d, 'reads.json'));
      symlinkSync(outside, join(d, 'reads.json'));
      expect(problems(await verify(d))).toEqual([
        'reads.json: missing',
        'reads.json: a symbolic link (a package holds only plain files; not followed)',
      ]);
    });

    it.each([
      ['null', 'manifest.json: not a manifest: it holds null, not an object'],
      ['"a string"', 'manifest.json: not a manifest: it holds a string, not an object'],
      ['[]', 'manifest.json: not a manifest: it holds an array, not an object'],
      ['{"format": 2}', 'manifest.json: not a manifest: format: Invalid input: expected string, received number'],
      ['{not json', 'manifest.json: not valid JSON'],
    ])('refuses the manifest %s in one line, never a stack trace', async (text, message) => {
      const d = copy();
      writeFileSync(join(d, 'manifest.json'), text);
      const r = await verify(d);
      expect(r.code).toBe(1);
      expect(problems(r)).toEqual([
        'manifest.sig: the signature does not verify with this public key: manifest.json was changed after the unit signed it, or another key signed it',
        message,
      ]);
      expect(r.err).not.toMatch(/TypeError|Cannot read properties|\n\s+at /);
    });

    it('refuses a manifest whose fields have the wrong types, even when signed', async () => {
      const d = copy();
      writeManifest(d, { ...manifestOf(d), files: 'everything' }, unitKey);
      expect(problems(await verify(d))).toEqual([
        'manifest.json: not a manifest: files: Invalid input: expected array, received string',
      ]);
    });

    it('refuses a missing file and an added one', async () => {
      const d = copy();
      rmSync(join(d, 'hits.csv'));
      writeFileSync(join(d, 'crops', 'planted.jpg'), 'x');
      expect(problems(await verify(d))).toEqual([
        'hits.csv: missing',
        'crops/planted.jpg: not in the manifest (added after export)',
      ]);
    });

    it('refuses a manifest whose hash is not the one the audit log recorded (--expect)', async () => {
      const other = 'ab'.repeat(32);
      expect(problems(await verify(plainDir, ['--expect', other]))).toEqual([
        `manifest.json: its SHA-256 is ${plainSha}, not ${other}, the one the audit log recorded at export (--expect)`,
      ]);
    });
  });

  describe('encrypted by default', () => {
    let file: string;
    let sha: string;
    let prompts: string[];
    beforeAll(async () => {
      const exp = await asDeputy(
        ['evidence', 'export', '--case', CASE, '--to', freshFolder()],
        [PASSPHRASE, PASSPHRASE],
      );
      expect(exp.code).toBe(0);
      file = exp.out.split('\n')[1]!.trim();
      prompts = exp.prompts;
      sha = /manifest SHA-256 ([0-9a-f]{64})/.exec(exp.out)![1]!;
    });

    it('asks the passphrase twice at the secret prompt and writes one 0600 file, audited as encrypted', () => {
      expect(prompts).toEqual([
        'Password for deputy: ',
        'Passphrase for the package (at least 12 characters): ',
        'The same passphrase again: ',
      ]);
      expect(file).toMatch(/alpr-evidence-CR26-0420-[0-9TZ-]+\.alpr-evidence$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(file, '..'))).toHaveLength(1);
      expect(readFileSync(file).includes(Buffer.from('SUSP01'))).toBe(false);
      const entries = new AuditLog(rig.t.db).between(0, Number.MAX_SAFE_INTEGER);
      expect(entries.filter((e) => e.action === 'export').pop()!.query).toMatchObject({ protection: 'aes-256-gcm' });
      expect(JSON.stringify(entries)).not.toContain(PASSPHRASE);
    });

    it('verifies with the passphrase and the audited manifest hash, and decrypts to a package that verifies', async () => {
      const r = await verify(file, ['--expect', sha], [PASSPHRASE]);
      expect(r).toMatchObject({ code: 0, prompts: [`Passphrase for ${file}: `] });
      expect(r.out).toMatch(/intact — signed by unit unit-1/);
      const to = freshFolder();
      const d = await cli(['evidence', 'decrypt', file, '--to', to], [PASSPHRASE]);
      expect(d.code).toBe(0);
      const dir = d.out.split('\n')[1]!.trim();
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect((await verify(dir, ['--expect', sha])).code).toBe(0);
    });

    it('says plainly when the passphrase is wrong', async () => {
      const r = await verify(file, [], ['not the passphrase']);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `${file}: NOT VERIFIED: wrong passphrase: it does not open this package (nothing was decrypted)`,
      );
    });

    it('tells an altered encrypted file from a wrong passphrase', async () => {
      const bad = join(freshFolder(), 'altered.alpr-evidence');
      const buf = readFileSync(file);
      buf[buf.length - 40]! ^= 1;
      writeFileSync(bad, buf);
      const r = await verify(bad, [], [PASSPHRASE]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'alpr-edge evidence: the passphrase is right but the encrypted contents fail authentication: the file was altered or damaged',
      );
    });

    it('refuses passphrases that differ or are short, writing nothing', async () => {
      const to = freshFolder();
      const differ = await asDeputy(['evidence', 'export', '--case', CASE, '--to', to], [PASSPHRASE, `${PASSPHRASE}!`]);
      expect(differ).toMatchObject({
        code: 1,
        err: 'alpr-edge evidence: the two passphrases differ; nothing was exported',
      });
      const short = await asDeputy(['evidence', 'export', '--case', CASE, '--to', to], ['short one']);
      expect(short.err).toBe('alpr-edge evidence: the passphrase must be at least 12 characters; nothing was exported');
      expect(readdirSync(to)).toEqual([]);
    });
  });
});
