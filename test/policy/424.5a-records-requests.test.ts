import { AuditedAccess } from '../../daemon/access/audited-access.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { addRead, addUser, tempDb, NOW } from './fixture.js';

// Policy 424.5(a): non-law-enforcement requests go to the Records Manager, processed under applicable law.
describe('424.5(a) records requests', () => {
  let t: ReturnType<typeof tempDb>;
  let access: AuditedAccess;
  beforeEach(() => {
    t = tempDb();
    access = new AuditedAccess(t.db, new ManualClock(NOW));
    addRead(t.db, { plate: 'ABC123', at: NOW - 1000 });
  });
  afterEach(() => t.close());

  it('records a request from any user, even a technician, and routes it to the records manager without returning data', async () => {
    const tech = await addUser(t.db, 'tech', 'technician', { trained: false });
    const req = access.recordRecordsRequest(tech, {
      requester: 'J. Public',
      organization: 'Daily News',
      description: 'all reads of ABC123 last week',
    });
    expect(req).toMatchObject({ routedToRole: 'records_manager', status: 'referred', recordedBy: 'tech' });
    expect(JSON.stringify(req)).not.toMatch(/confidence|camera_id|lastSeen/);
    expect(new AuditLog(t.db).between(0, NOW + 1).pop()).toMatchObject({
      action: 'records_request_create',
      resultCount: 0,
    });
  });

  it('lets only the records manager (or an administrator) list and close requests', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const rm = await addUser(t.db, 'records', 'records_manager');
    const req = access.recordRecordsRequest(op, { requester: 'J. Public', description: 'reads near my house' });
    expect(() => access.listRecordsRequests(op)).toThrow(/operator role may not records request manage/);
    expect(access.listRecordsRequests(rm, { open: true }).map((r) => r.id)).toEqual([req.id]);
    expect(access.updateRecordsRequest(rm, req.id, 'closed', 'denied under C.R.S. 24-72-305.5')).toMatchObject({
      status: 'closed',
      handledBy: 'records',
      closedAt: NOW,
    });
    expect(access.listRecordsRequests(rm, { open: true })).toEqual([]);
  });

  it('gives the records manager no search of the data itself', async () => {
    const rm = await addUser(t.db, 'records', 'records_manager');
    expect(() =>
      access.searchReads(
        rm,
        { category: 'administrative_action', caseNumber: 'RR-2026-1' },
        { plate: 'ABC123', from: 0, to: NOW },
      ),
    ).toThrow(/records_manager role may not search/);
  });
});
