import { createPublicKey, type KeyObject } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditedAccess } from '../../daemon/access/audited-access.js';
import { exportEvidence } from '../../daemon/access/evidence.js';
import { loadUnitKey } from '../../daemon/evidence/unit-key.js';
import { readPackageFolder, verifyPackage } from '../../daemon/evidence/verify.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { addHit, addRead, addUser, tempDb, DAY, NOW } from './fixture.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0099' };
const PLAIN = { encrypted: false, plainReason: 'court asked for a plain copy' } as const;

// Policy 424.4: evidence is downloaded onto portable media and booked into evidence.
describe('424.4 evidence export', () => {
  let t: ReturnType<typeof tempDb>;
  let access: AuditedAccess;
  let deps: Parameters<typeof exportEvidence>[0];
  let target: string;
  let publicKey: KeyObject;
  beforeEach(async () => {
    t = tempDb();
    const clock = new ManualClock(NOW);
    access = new AuditedAccess(t.db, clock);
    deps = { db: t.db, clock, access, unitId: 'unit-7', agency: 'CCSO', unitKey: loadUnitKey({ stateDir: t.dir }) };
    publicKey = createPublicKey(deps.unitKey.publicKeyPem);
    target = join(t.dir, 'usb');
    mkdirSync(target);
    const a = addRead(t.db, { plate: 'SUSP01', at: NOW - DAY });
    addHit(t.db, a);
    addRead(t.db, { plate: 'SUSP02', at: NOW - 2 * DAY });
    addRead(t.db, { plate: 'OTHER1', at: NOW - 2 * DAY });
    const op = await addUser(t.db, 'deputy', 'operator');
    access.createHold(op, purpose, {
      reason: 'shooting suspect',
      scope: { kind: 'range', platePattern: 'SUSP*', from: NOW - 3 * DAY, to: NOW },
    });
  });
  afterEach(() => t.close());

  it('writes reads and hits as JSON and CSV, crops as JPEG, audit entries and a manifest that verifies', async () => {
    const op = await addUser(t.db, 'exporter', 'operator');
    const r = exportEvidence(deps, op, purpose, target, PLAIN);
    expect(r).toMatchObject({ reads: 2, hits: 1, crops: 2 });
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
    });
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain(
      `crops/${readdirSync(join(r.dir, 'crops'))[0]}`,
    );
    const audit = JSON.parse(readFileSync(join(r.dir, 'audit.json'), 'utf8')) as { action: string }[];
    expect(audit.map((e) => e.action)).toEqual(['hold_create', 'export']);
    expect(verifyPackage(readPackageFolder(r.dir), { publicKey })).toMatchObject({ ok: true, problems: [] });
    expect(manifest.unit_key_sha256).toBe(deps.unitKey.fingerprint);
    expect(
      new AuditLog(t.db)
        .between(0, NOW + 1)
        .map((e) => e.action)
        .slice(-2),
    ).toEqual(['export', 'export_written']);
  });

  it('detects a changed, a removed and an added file, and an edited manifest', async () => {
    const op = await addUser(t.db, 'exporter', 'operator');
    const { dir } = exportEvidence(deps, op, purpose, target, PLAIN);
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

  it('refuses a missing target, a read-only one and one too small, leaving nothing behind, and audits it', async () => {
    const op = await addUser(t.db, 'exporter', 'operator');
    expect(() => exportEvidence(deps, op, purpose, join(t.dir, 'nope'), PLAIN)).toThrow(
      /does not exist: mount the evidence drive/,
    );
    expect(() => exportEvidence({ ...deps, freeSpace: () => 1000 }, op, purpose, target, PLAIN)).toThrow(
      /too small: the package needs about/,
    );
    if (process.getuid?.() !== 0) {
      chmodSync(target, 0o555);
      expect(() => exportEvidence(deps, op, purpose, target, PLAIN)).toThrow(/read-only/);
      chmodSync(target, 0o755);
    }
    expect(readdirSync(target)).toEqual([]);
    expect(
      new AuditLog(t.db)
        .between(0, NOW + 1)
        .filter((e) => e.action === 'export')
        .map((e) => e.outcome),
    ).toContain('failed');
  });

  it('never leaves a half-written package that looks complete', async () => {
    const op = await addUser(t.db, 'exporter', 'operator');
    // A folder in the way of the final name makes the last step (rename) fail.
    const stamp = new Date(NOW).toISOString().replace(/[:.]/g, '-');
    mkdirSync(join(target, `alpr-evidence-CR26-0099-${stamp}`, 'in-the-way'), { recursive: true });
    expect(() => exportEvidence(deps, op, purpose, target, PLAIN)).toThrow();
    expect(readdirSync(target).filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect(existsSync(join(target, `alpr-evidence-CR26-0099-${stamp}`, 'manifest.json'))).toBe(false);
    expect(new AuditLog(t.db).between(0, NOW + 1).pop()).toMatchObject({ action: 'export_written', outcome: 'failed' });
  });

  it('refuses an export for a case with no hold and for a technician', async () => {
    const op = await addUser(t.db, 'exporter', 'operator');
    expect(() => exportEvidence(deps, op, { ...purpose, caseNumber: 'CR26-0000' }, target, PLAIN)).toThrow(
      /no active evidence hold of case CR26-0000/,
    );
    const tech = await addUser(t.db, 'tech', 'technician');
    expect(() => exportEvidence(deps, tech, purpose, target, PLAIN)).toThrow(/technician role may not export/);
  });
});
