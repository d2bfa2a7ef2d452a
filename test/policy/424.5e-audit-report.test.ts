import { AgencyStore } from '../../daemon/store/agencies.js';
import { defaultRetentionConfig } from '../../daemon/retention/config.js';
import type { AuditReport } from '../../daemon/access/audit-report.js';
import { ApiClient } from '../../daemon/cli/api-client.js';
import { RetentionJob } from '../../daemon/retention/retention-job.js';
import { isoDay } from '../../daemon/access/users.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addHit, addRead, addUser, DAY, NOW } from './fixture.js';

// Policy 424.5(e): ALPR system audits are conducted regularly.
describe('424.5(e) audit report', () => {
  let rig: ApiRig;
  let door: ApiDoor;
  beforeEach(async () => {
    rig = await startApi({ access: { lockout_after_failures: 2 } });
    door = new ApiDoor(rig);
  });
  afterEach(() => rig.close());

  /** The report of the last week, asked for through the API as `user`. */
  async function report(user: string, window = { from: NOW - 7 * DAY, to: NOW }) {
    return (await (await door.client(user)).call('auditReport', window)) as { report: AuditReport; html: string };
  }

  async function busyWeek(): Promise<void> {
    const db = rig.t.db;
    const op = await addUser(db, 'deputy', 'operator');
    await addUser(db, 'lapsed', 'operator', { expiresOn: isoDay(NOW - 10 * DAY) });
    await addUser(db, 'never', 'technician', { trained: false });
    const hit = addHit(db, addRead(db, { plate: 'STOLEN1', at: NOW - DAY }));
    addHit(db, addRead(db, { plate: 'WANTED2', at: NOW - DAY }));
    addRead(db, { plate: 'OLD<b>1', at: NOW - 30 * DAY });
    const crim = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0300' };
    // The door logs the deputy in once: the report's one successful login of theirs.
    await door.searchReads(op, crim, { plate: 'STO*', from: 0, to: NOW });
    await door.searchReads(
      op,
      { category: 'patrol_operation', caseNumber: 'INC-1' },
      { plate: 'WAN*', from: 0, to: NOW },
    );
    await expect(door.searchReads(op, undefined, { plate: 'X*', from: 0, to: NOW })).rejects.toThrow(/purpose/);
    await door.verifyHit(op, crim, { hitId: hit, outcome: 'confirmed', reference: 'CBI-77', note: '' });
    const hold = await door.createHold(op, crim, {
      reason: 'stolen car',
      readIds: [(db.prepare('SELECT read_id FROM hits WHERE id = ?').get(hit) as { read_id: string }).read_id],
    });
    new AgencyStore(db).add({ name: 'CSP', level: 'state' }, 'chief', NOW);
    await door.recordRelease(op, crim, {
      agency: 'CSP',
      holdId: hold.id,
      requestingOfficer: 'Tpr A',
      legalBasis: 'CRS',
      what: '1 read',
    });
    await (await door.client(op)).call('addRecordsRequest', { requester: 'J. Public', description: 'reads' });
    // Two wrong passwords at the socket lock the account (access.lockout_after_failures: 2).
    for (let i = 0; i < 2; i++)
      await expect(new ApiClient(rig.socket).login('lapsed', 'bad password 1')).rejects.toThrow(/wrong user name/);
    await new RetentionJob({
      db,
      clock: rig.clock,
      config: { ...defaultRetentionConfig, days: 21, batch_size: 100, pause_ms: 0 },
      auditRetentionDays: 1095,
      log: silentLogger(),
    }).runOnce(NOW);
  }

  it('reports searches by user and purpose, hits and verifications, holds, purges, releases, requests, logins, lockouts and lapsed training', async () => {
    await busyWeek();
    await addUser(rig.t.db, 'auditor', 'auditor');
    const r = (await report('auditor')).report;
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
    await addUser(rig.t.db, 'auditor', 'auditor');
    const { html } = await report('auditor');
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
    await addUser(rig.t.db, 'deputy', 'operator');
    await addUser(rig.t.db, 'aud2', 'auditor', { trained: false });
    await addUser(rig.t.db, 'auditor', 'auditor');
    for (const u of ['deputy', 'aud2'])
      await expect(report(u, { from: 0, to: NOW })).rejects.toThrow(/may not audit report|training/);
    await report('auditor', { from: 0, to: NOW });
    expect(door.entries().map((e) => [e.username, e.action, e.outcome])).toEqual([
      ['deputy', 'audit_report', 'refused'],
      ['aud2', 'audit_report', 'refused'],
      ['auditor', 'audit_report', 'allowed'],
    ]);
  });
});
