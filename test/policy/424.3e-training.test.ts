import { AuditedAccess } from '../../daemon/access/audited-access.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { isoDay, trainingCurrent } from '../../daemon/access/users.js';
import { addRead, addUser, tempDb, DAY, NOW } from './fixture.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0001' };

// Policy 424.3(e): no member accesses ALPR data without first completing office-approved training.
describe('424.3(e) training before data access', () => {
  let t: ReturnType<typeof tempDb>;
  let access: AuditedAccess;
  beforeEach(() => {
    t = tempDb();
    access = new AuditedAccess(t.db, new ManualClock(NOW));
    addRead(t.db, { plate: 'ABC123', at: NOW - DAY });
  });
  afterEach(() => t.close());

  it('lets a trained operator search', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    expect(access.searchReads(op, purpose, { plate: 'ABC123', from: 0, to: NOW }).reads).toHaveLength(1);
  });

  it('refuses an untrained user of any role, even an administrator, and audits the refusal', async () => {
    const op = await addUser(t.db, 'rookie', 'operator', { trained: false });
    const admin = await addUser(t.db, 'chief', 'administrator', { trained: false });
    for (const u of [op, admin]) {
      expect(() => access.searchReads(u, purpose, { plate: 'ABC123', from: 0, to: NOW })).toThrow(
        /no ALPR training on record.*424\.3\(e\)/,
      );
    }
    const entries = new AuditLog(t.db).between(0, NOW + 1);
    expect(entries.map((e) => [e.username, e.action, e.outcome, e.resultCount])).toEqual([
      ['rookie', 'search', 'refused', 0],
      ['chief', 'search', 'refused', 0],
    ]);
    expect(entries[0]!.query).toMatchObject({ plate: 'ABC123' });
  });

  it('refuses a user whose training has expired, from the day after its expiry', async () => {
    const lapsed = await addUser(t.db, 'lapsed', 'operator', { expiresOn: isoDay(NOW - DAY) });
    expect(() => access.listHits(lapsed, purpose, { from: 0, to: NOW })).toThrow(/training expired on/);
    const today = await addUser(t.db, 'today', 'operator', { expiresOn: isoDay(NOW) });
    expect(() => access.listHits(today, purpose, { from: 0, to: NOW })).not.toThrow();
  });

  it('treats training as current through its expiry day and not after', () => {
    expect(trainingCurrent('2026-11-28', NOW)).toBe(true);
    expect(trainingCurrent('2026-11-27', NOW)).toBe(false);
    expect(trainingCurrent(null, NOW)).toBe(false);
  });

  it('still lets an untrained administrator manage users, which shows no read data', async () => {
    const admin = await addUser(t.db, 'chief', 'administrator', { trained: false });
    expect(() => access.perform(admin, 'users_manage', undefined, {}, () => ({ value: 1, count: 0 }))).not.toThrow();
  });
});
