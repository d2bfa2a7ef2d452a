import { AgencyStore } from '../../daemon/store/agencies.js';
import { defaultRetentionConfig } from '../../daemon/retention/config.js';
import { AuditedAccess } from '../../daemon/access/audited-access.js';
import { renderAuditReportHtml } from '../../daemon/access/audit-report-html.js';
import { Authenticator } from '../../daemon/access/authenticate.js';
import { defaultAccessConfig } from '../../daemon/access/config.js';
import { RetentionJob } from '../../daemon/retention/retention-job.js';
import { isoDay } from '../../daemon/access/users.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { addHit, addRead, addUser, tempDb, DAY, NOW, PASSWORD } from './fixture.js';

// Policy 424.5(e): ALPR system audits are conducted regularly.
describe('424.5(e) audit report', () => {
  let t: ReturnType<typeof tempDb>;
  let access: AuditedAccess;
  beforeEach(() => {
    t = tempDb();
    access = new AuditedAccess(t.db, new ManualClock(NOW));
  });
  afterEach(() => t.close());

  async function busyWeek(): Promise<void> {
    const op = await addUser(t.db, 'deputy', 'operator');
    await addUser(t.db, 'lapsed', 'operator', { expiresOn: isoDay(NOW - 10 * DAY) });
    await addUser(t.db, 'never', 'technician', { trained: false });
    const hit = addHit(t.db, addRead(t.db, { plate: 'STOLEN1', at: NOW - DAY }));
    addHit(t.db, addRead(t.db, { plate: 'WANTED2', at: NOW - DAY }));
    addRead(t.db, { plate: 'OLD<b>1', at: NOW - 30 * DAY });
    const crim = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0300' };
    access.searchReads(op, crim, { plate: 'STO*', from: 0, to: NOW });
    access.searchReads(op, { category: 'patrol_operation', caseNumber: 'INC-1' }, { plate: 'WAN*', from: 0, to: NOW });
    expect(() => access.searchReads(op, undefined, { plate: 'X*', from: 0, to: NOW })).toThrow();
    access.verifyHit(op, crim, { hitId: hit, outcome: 'confirmed', reference: 'CBI-77', note: '' });
    const hold = access.createHold(op, crim, {
      reason: 'stolen car',
      scope: {
        kind: 'reads',
        readIds: [(t.db.prepare('SELECT read_id FROM hits WHERE id = ?').get(hit) as { read_id: string }).read_id],
      },
    });
    new AgencyStore(t.db).add({ name: 'CSP', level: 'state' }, 'chief', NOW);
    access.recordRelease(op, crim, {
      agency: 'CSP',
      holdId: hold.id,
      requestingOfficer: 'Tpr A',
      legalBasis: 'CRS',
      what: '1 read',
    });
    access.recordRecordsRequest(op, { requester: 'J. Public', description: 'reads' });
    const auth = new Authenticator(t.db, { ...defaultAccessConfig, lockout_after_failures: 2 });
    await auth.login('deputy', PASSWORD, NOW);
    for (let i = 0; i < 2; i++) await auth.login('lapsed', 'bad password 1', NOW).catch(() => undefined);
    await new RetentionJob({
      db: t.db,
      clock: new ManualClock(NOW),
      config: { ...defaultRetentionConfig, days: 21, batch_size: 100, pause_ms: 0 },
      auditRetentionDays: 1095,
      log: silentLogger(),
    }).runOnce(NOW);
  }

  it('reports searches by user and purpose, hits and verifications, holds, purges, releases, requests, logins, lockouts and lapsed training', async () => {
    await busyWeek();
    const auditor = await addUser(t.db, 'auditor', 'auditor');
    const r = access.auditReport(auditor, {
      from: NOW - 7 * DAY,
      to: NOW + 1,
      unitId: 'unit-7',
      trainingWarningDays: 30,
    });
    expect(r.chain.ok).toBe(true);
    expect(r.searches_by_user_and_purpose).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          username: 'deputy',
          purpose_category: 'criminal_investigation',
          case_number: 'CR26-0300',
          actions: { search: 1, verify_hit: 1, hold_create: 1, release: 1 },
        }),
        expect.objectContaining({
          username: 'deputy',
          purpose_category: 'patrol_operation',
          case_number: 'INC-1',
          results: 1,
        }),
        expect.objectContaining({ username: 'deputy', purpose_category: null, refused: 1 }),
      ]),
    );
    expect(r.hits).toMatchObject({
      total: 2,
      confirmed: 1,
      unverified: 1,
      verifications: [expect.objectContaining({ reference: 'CBI-77' })],
    });
    expect(r.holds).toHaveLength(1);
    expect(r.purges).toEqual([expect.objectContaining({ readsDeleted: 1 })]);
    expect(r.releases).toHaveLength(1);
    expect(r.records_requests).toHaveLength(1);
    expect(r.logins).toEqual(
      expect.arrayContaining([
        { username: 'deputy', succeeded: 1, failed: 0, lockouts: 0 },
        { username: 'lapsed', succeeded: 0, failed: 2, lockouts: 1 },
      ]),
    );
    expect(r.lockouts).toHaveLength(1);
    expect(r.training_lapsed.map((u) => [u.username, u.status])).toEqual([
      ['lapsed', 'expired'],
      ['never', 'none'],
    ]);
  });

  it('renders HTML a person can read, with every section and escaped content', async () => {
    await busyWeek();
    const auditor = await addUser(t.db, 'auditor', 'auditor');
    const html = renderAuditReportHtml(
      access.auditReport(auditor, { from: NOW - 7 * DAY, to: NOW + 1, unitId: 'unit-7', trainingWarningDays: 30 }),
    );
    for (const h of [
      'Searches and data access by user and purpose',
      'Hits and verification',
      'Evidence holds',
      'Purges',
      'Evidence exports',
      'Releases',
      'Records requests',
      'Logins and lockouts',
      'training lapsed',
    ])
      expect(html).toContain(h);
    expect(html).toContain('Audit log intact');
    expect(html).not.toMatch(/<script/);
    expect(html).toContain('CR26-0300');
  });

  it('is itself audited and refused to an operator or an untrained auditor', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const untrained = await addUser(t.db, 'aud2', 'auditor', { trained: false });
    for (const u of [op, untrained])
      expect(() => access.auditReport(u, { from: 0, to: NOW, unitId: 'u', trainingWarningDays: 30 })).toThrow(
        /may not audit report|training/,
      );
  });
});
