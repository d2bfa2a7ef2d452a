import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addRead, addUser, NOW } from './fixture.js';

// Policy 424.5(a): non-law-enforcement requests go to the Records Manager, processed under
// applicable law. Proved through the daemon's API, the door people use.
describe('424.5(a) records requests', () => {
  let rig: ApiRig;
  let t: ApiRig['t'];
  let door: ApiDoor;
  beforeEach(async () => {
    rig = await startApi();
    t = rig.t;
    door = new ApiDoor(rig);
    addRead(t.db, { plate: 'ABC123', at: NOW - 1000 });
  });
  afterEach(() => rig.close());

  it('records a request from any user, even a technician, and routes it to the records manager without returning data', async () => {
    const tech = await addUser(t.db, 'tech', 'technician', { trained: false });
    const { request: req } = await (await door.client(tech)).call('addRecordsRequest', {
      requester: 'J. Public',
      organization: 'Daily News',
      description: 'all reads of ABC123 last week',
    });
    expect(req).toMatchObject({ routedToRole: 'records_manager', status: 'referred', recordedBy: 'tech' });
    expect(JSON.stringify(req)).not.toMatch(/confidence|camera_id|lastSeen/);
    expect(door.entries().pop()).toMatchObject({
      action: 'records_request_create',
      resultCount: 0,
    });
  });

  it('lets only the records manager (or an administrator) list and close requests', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const rm = await addUser(t.db, 'records', 'records_manager');
    const deputy = await door.client(op);
    const records = await door.client(rm);
    const { request: req } = await deputy.call('addRecordsRequest', {
      requester: 'J. Public',
      description: 'reads near my house',
    });
    await expect(deputy.call('listRecordsRequests', {})).rejects.toThrow(
      /operator role may not records request manage/,
    );
    expect((await records.call('listRecordsRequests', { open: true })).requests.map((r) => r.id)).toEqual([req.id]);
    expect(
      (
        await records.call(
          'updateRecordsRequest',
          { status: 'closed', resolution: 'denied under C.R.S. 24-72-305.5' },
          { id: req.id },
        )
      ).request,
    ).toMatchObject({
      status: 'closed',
      handledBy: 'records',
      closedAt: NOW,
    });
    expect((await records.call('listRecordsRequests', { open: true })).requests).toEqual([]);
  });

  it('gives the records manager no search of the data itself', async () => {
    const rm = await addUser(t.db, 'records', 'records_manager');
    await expect(
      door.searchReads(
        rm,
        { category: 'administrative_action', caseNumber: 'RR-2026-1' },
        { plate: 'ABC123', from: 0, to: NOW },
      ),
    ).rejects.toThrow(/records_manager role may not search/);
  });
});
