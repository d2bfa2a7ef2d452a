import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../daemon/cli/main.js';
import { readPackageFolder, verifyPackage } from '../../daemon/evidence/verify.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addHit, addRead, addUser, DAY, fakeIo, NOW, PASSWORD } from './fixture.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0099' };
const REASON = 'court asked for a plain copy';

// Policy 424.4: evidence is downloaded onto portable media and booked into evidence. Proved as
// people do it: `alpr-edge evidence export` asks the daemon's API and writes the package itself.
describe('424.4 evidence export', () => {
  let rig: ApiRig;
  let target: string;
  let publicKey: KeyObject;
  let fingerprint: string;

  /** `evidence export --plain` of `caseNumber` onto `to`, as `user`. */
  async function exportAs(user: string, to = target, caseNumber = purpose.caseNumber) {
    const io = fakeIo([PASSWORD]);
    const args = ['evidence', 'export', '--case', caseNumber, '--to', to, '--plain', '--reason', REASON];
    const code = await runCli([...args, '--user', user, '--socket', rig.socket], io);
    const out = io.lines.join('\n');
    return { code, out, dir: (out.split('\n')[1] ?? '').trim(), err: io.errors.join('\n') };
  }
  const audit = () => new AuditLog(rig.t.db).between(0, NOW + 1).filter((e) => e.action !== 'login');

  beforeEach(async () => {
    rig = await startApi();
    const db = rig.t.db;
    target = join(rig.t.dir, 'usb');
    mkdirSync(target);
    const a = addRead(db, { plate: 'SUSP01', at: NOW - DAY });
    addHit(db, a);
    addRead(db, { plate: 'SUSP02', at: NOW - 2 * DAY });
    addRead(db, { plate: 'OTHER1', at: NOW - 2 * DAY });
    const op = await addUser(db, 'deputy', 'operator');
    const door = new ApiDoor(rig);
    const unit = await (await door.client(op)).call('unitKey', undefined);
    publicKey = createPublicKey(unit.public_key_pem);
    fingerprint = unit.fingerprint_sha256;
    await (await door.client(op)).call('createHold', {
      purpose: purpose.category,
      case: purpose.caseNumber,
      reason: 'shooting suspect',
      plate: 'SUSP*',
      from: NOW - 3 * DAY,
      to: NOW,
    });
    await addUser(db, 'exporter', 'operator');
  });
  afterEach(() => rig.close());

  it('writes reads and hits as JSON and CSV, crops as JPEG, audit entries and a manifest that verifies', async () => {
    const r = await exportAs('exporter');
    expect(r.code).toBe(0);
    const files = readdirSync(r.dir).sort();
    expect(files).toEqual([
      'audit.json',
      'crops',
      'hits.csv',
      'hits.json',
      'holds.json',
      'manifest.json',
      'manifest.sig',
      'reads.csv',
      'reads.json',
      'releases.json',
    ]);
    expect(readdirSync(join(r.dir, 'crops'))).toHaveLength(2);
    expect(readFileSync(join(r.dir, 'reads.csv'), 'utf8').split('\r\n')[0]).toMatch(/^id,camera_id,plate/);
    const manifest = JSON.parse(readFileSync(join(r.dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      case_number: 'CR26-0099',
      exported_by: { username: 'exporter', role: 'operator' },
      purpose: { category: 'criminal_investigation', case_number: 'CR26-0099' },
      exported_at: new Date(NOW).toISOString(),
      counts: { reads: 2, hits: 1, crops: 2 },
    });
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain(
      `crops/${readdirSync(join(r.dir, 'crops'))[0]}`,
    );
    const auditJson = JSON.parse(readFileSync(join(r.dir, 'audit.json'), 'utf8')) as { action: string }[];
    expect(auditJson.map((e) => e.action)).toEqual(['hold_create', 'export']);
    expect(verifyPackage(readPackageFolder(r.dir), { publicKey })).toMatchObject({ ok: true, problems: [] });
    expect(manifest.unit_key_sha256).toBe(fingerprint);
    // The daemon records the hand-over; the write is on the record only once the CLI confirms it.
    const [read, handed, written] = audit().slice(-3);
    expect([read, handed, written].map((e) => [e!.username, e!.action, e!.outcome])).toEqual([
      ['exporter', 'export', 'allowed'],
      ['exporter', 'export_handed', 'allowed'],
      ['exporter', 'export_written', 'allowed'],
    ]);
    const manifestSha = createHash('sha256')
      .update(readFileSync(join(r.dir, 'manifest.json')))
      .digest('hex');
    expect(handed!.detail).toMatchObject({ destination: target, manifest_sha256: manifestSha });
    expect(written!.query).toEqual({ export_id: read!.query.export_id });
    // The id a release names is the one the command printed.
    expect(r.out).toContain(`export id ${read!.query.export_id}`);
    expect(written!.detail).toEqual({ dir: r.dir, manifest_sha256: manifestSha, reported_by: 'client' });
  });

  it('detects a changed, a removed and an added file, and an edited manifest', async () => {
    const { dir } = await exportAs('exporter');
    appendFileSync(join(dir, 'reads.csv'), 'x');
    writeFileSync(join(dir, 'extra.txt'), 'hi');
    const crop = readdirSync(join(dir, 'crops'))[0]!;
    writeFileSync(join(dir, 'crops', crop), Buffer.from([1]));
    const v = verifyPackage(readPackageFolder(dir), { publicKey });
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual(
      expect.arrayContaining([
        'reads.csv: changed (SHA-256 does not match the manifest)',
        'extra.txt: not in the manifest (added after export)',
        `crops/${crop}: changed (SHA-256 does not match the manifest)`,
      ]),
    );
    writeFileSync(
      join(dir, 'manifest.json'),
      readFileSync(join(dir, 'manifest.json'), 'utf8').replace('exporter', 'someone'),
    );
    expect(verifyPackage(readPackageFolder(dir), { publicKey }).problems[0]).toMatch(
      /manifest.sig: the signature does not verify with this public key: manifest.json was changed/,
    );
  });

  it('refuses a missing drive before any login, and a read-only one leaving nothing behind', async () => {
    const missing = await exportAs('exporter', join(rig.t.dir, 'nope'));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/does not exist: mount the evidence drive/);
    // Nothing left the daemon: no login, no export.
    expect(new AuditLog(rig.t.db).between(0, NOW + 1).filter((e) => e.username === 'exporter')).toEqual([]);
    if (process.getuid?.() !== 0) {
      chmodSync(target, 0o555);
      const readOnly = await exportAs('exporter');
      chmodSync(target, 0o755);
      expect(readOnly.code).not.toBe(0);
      expect(readOnly.err).toMatch(/permission denied/);
      expect(audit().pop()).toMatchObject({
        action: 'export_written',
        outcome: 'failed',
        detail: { error: expect.stringMatching(/permission denied/) },
      });
    }
    expect(readdirSync(target)).toEqual([]);
  });

  it('never leaves a half-written package that looks complete', async () => {
    // A folder in the way of the final name: the CLI refuses to write into it.
    const stamp = new Date(NOW).toISOString().replace(/[:.]/g, '-');
    mkdirSync(join(target, `alpr-evidence-CR26-0099-${stamp}`, 'in-the-way'), { recursive: true });
    const r = await exportAs('exporter');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/already exists: refusing to write over it/);
    expect(readdirSync(target).filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect(existsSync(join(target, `alpr-evidence-CR26-0099-${stamp}`, 'manifest.json'))).toBe(false);
    // The log says the package left the daemon but never reached the drive, and why.
    const [read, handed, written] = audit().slice(-3);
    expect([read, handed, written].map((e) => [e!.action, e!.outcome])).toEqual([
      ['export', 'allowed'],
      ['export_handed', 'allowed'],
      ['export_written', 'failed'],
    ]);
    expect(written!.query).toEqual({ export_id: read!.query.export_id });
    expect(written!.detail.error).toMatch(/already exists: refusing to write over it/);
  });

  it("refuses a report of someone else's export, a second report and a foreign manifest, and audits each", async () => {
    await exportAs('exporter');
    const exportId = String(audit().find((e) => e.action === 'export_handed')!.query.export_id);
    const deputy = await rig.as('deputy');
    const exporter = await rig.as('exporter');
    const dir = join(target, 'elsewhere');
    await expect(deputy.call('reportEvidenceWritten', { export_id: exportId, ok: false, error: 'x' })).rejects.toThrow(
      `no export ${exportId} of deputy awaits a report`,
    );
    await expect(
      exporter.call('reportEvidenceWritten', { export_id: exportId, ok: false, error: 'the drive was pulled' }),
    ).rejects.toThrow(`export ${exportId} was already reported`);

    // An export handed over whose client never reports: only a manifest of its own is taken.
    const handed = await exporter.call('exportEvidence', {
      purpose: purpose.category,
      case: purpose.caseNumber,
      plain_reason: REASON,
    });
    const foreign = 'a'.repeat(64);
    await expect(
      exporter.call('reportEvidenceWritten', { export_id: handed.export_id, ok: true, dir, manifest_sha256: foreign }),
    ).rejects.toThrow(`manifest SHA-256 ${foreign} is not the one handed over`);
    expect(
      audit()
        .filter((e) => e.action === 'export_written')
        .map((e) => [e.username, e.outcome, e.query.export_id]),
    ).toEqual([
      ['exporter', 'allowed', exportId],
      ['deputy', 'refused', exportId],
      ['exporter', 'refused', exportId],
      ['exporter', 'refused', handed.export_id],
    ]);

    // The audit report shows which exports reached the drive.
    await addUser(rig.t.db, 'auditor', 'auditor');
    const { report, html } = await (await rig.as('auditor')).call('auditReport', { from: NOW - DAY, to: NOW });
    expect(
      (report.exports as { outcome: string; written: string | null }[])
        .filter((e) => e.outcome === 'export:allowed')
        .map((e) => e.written),
    ).toEqual(['confirmed', 'not confirmed']);
    expect(html).toContain('<td>not confirmed</td>');

    // Its client reports at last, with the manifest it was given: confirmed once.
    await exporter.call('reportEvidenceWritten', {
      export_id: handed.export_id,
      ok: true,
      dir,
      manifest_sha256: handed.manifest_sha256,
    });
    expect(audit().pop()).toMatchObject({
      action: 'export_written',
      outcome: 'allowed',
      caseNumber: purpose.caseNumber,
      detail: { dir, manifest_sha256: handed.manifest_sha256 },
    });
  });

  it('refuses an export for a case with no hold and for a technician, and audits both', async () => {
    const none = await exportAs('exporter', target, 'CR26-0000');
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/no active evidence hold of case CR26-0000/);
    await addUser(rig.t.db, 'tech', 'technician');
    const tech = await exportAs('tech');
    expect(tech.code).toBe(77);
    expect(tech.err).toMatch(/technician role may not export/);
    expect(readdirSync(target)).toEqual([]);
    expect(
      audit()
        .filter((e) => e.action === 'export')
        .map((e) => [e.username, e.outcome, e.caseNumber]),
    ).toEqual([
      ['exporter', 'failed', 'CR26-0000'],
      ['tech', 'refused', 'CR26-0099'],
    ]);
  });
});
