import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { addHit, addRead, addUser, DAY, NOW, tempDb } from '../../test/policy/fixture.js';
import { loadUnitKey } from '../evidence/unit-key.js';
import { ManualClock } from '../shared/clock.js';
import { AuditLog } from '../store/audit-log.js';
import { AuditedAccess } from './audited-access.js';
import { buildAuditReport } from './audit-report.js';
import { exportEvidence } from './evidence.js';
import { recordExportOutcome } from './export-outcome.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0099' };
const PLAIN = { encrypted: false, plainReason: 'court asked for a plain copy' } as const;

// How the daemon builds a package in the folder it is given (through the API, its own private
// staging folder): the policy test proves the export and the client's writing through the API
// and the CLI; these are the daemon's own checks, and its audit of their failures.
describe('exportEvidence', () => {
  let t: ReturnType<typeof tempDb>;
  let deps: Parameters<typeof exportEvidence>[0];
  let target: string;
  beforeEach(async () => {
    t = tempDb();
    const clock = new ManualClock(NOW);
    const access = new AuditedAccess(t.db, clock);
    deps = { db: t.db, clock, access, unitId: 'unit-7', agency: 'CCSO', unitKey: loadUnitKey({ stateDir: t.dir }) };
    target = join(t.dir, 'usb');
    mkdirSync(target);
    addHit(t.db, addRead(t.db, { plate: 'SUSP01', at: NOW - DAY }));
    addRead(t.db, { plate: 'SUSP02', at: NOW - 2 * DAY });
    const op = await addUser(t.db, 'deputy', 'operator');
    access.createHold(op, purpose, {
      reason: 'shooting suspect',
      scope: { kind: 'range', platePattern: 'SUSP*', from: NOW - 3 * DAY, to: NOW },
    });
  });
  afterEach(() => t.close());

  it('refuses a missing folder, a read-only one and one too small, leaving nothing behind, and audits it', async () => {
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

  it('shows in the audit report which packages their client confirmed, reported failed or never reported', async () => {
    const op = await addUser(t.db, 'exporter', 'operator');
    const ids = [1, 2, 3, 4].map((i) => {
      const staging = join(t.dir, `staging${i}`);
      mkdirSync(staging);
      return exportEvidence(deps, op, purpose, staging, PLAIN, `/media/usb${i}`);
    });
    recordExportOutcome(deps, op, {
      exportId: ids[0]!.id,
      ok: true,
      dir: '/media/usb1/package',
      manifestSha256: ids[0]!.manifestSha256,
    });
    recordExportOutcome(deps, op, { exportId: ids[1]!.id, ok: false, error: 'the drive is read-only' });
    // As the daemon recorded it at hand-over before clients reported: it confirms nothing.
    new AuditLog(t.db).append({
      at: NOW,
      username: 'exporter',
      role: 'operator',
      action: 'export_written',
      outcome: 'allowed',
      caseNumber: purpose.caseNumber,
      query: { export_id: ids[3]!.id },
      detail: { dir: '/media/usb4', manifest_sha256: ids[3]!.manifestSha256 },
    });
    const report = buildAuditReport(t.db, {
      from: 0,
      to: NOW + 1,
      now: NOW,
      unitId: 'unit-7',
      by: 'auditor',
      trainingWarningDays: 30,
    });
    expect(report.exports.filter((e) => e.outcome === 'export:allowed').map((e) => e.written)).toEqual([
      'confirmed',
      'failed: the drive is read-only',
      'not confirmed',
      'not confirmed',
    ]);
  });
});
