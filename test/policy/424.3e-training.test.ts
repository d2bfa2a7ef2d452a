import { isoDay, trainingCurrent } from '../../daemon/access/users.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addRead, addUser, DAY, NOW } from './fixture.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0001' };

// Policy 424.3(e): no member accesses ALPR data without first completing office-approved training.
// Proved through the daemon's API, the door people use.
describe('424.3(e) training before data access', () => {
  let rig: ApiRig;
  let door: ApiDoor;
  beforeEach(async () => {
    rig = await startApi();
    door = new ApiDoor(rig);
    addRead(rig.t.db, { plate: 'ABC123', at: NOW - DAY });
  });
  afterEach(() => rig.close());

  it('lets a trained operator search', async () => {
    const op = await addUser(rig.t.db, 'deputy', 'operator');
    expect((await door.searchReads(op, purpose, { plate: 'ABC123', from: 0, to: NOW })).reads).toHaveLength(1);
  });

  it('refuses an untrained user of any role, even an administrator, and audits the refusal', async () => {
    const op = await addUser(rig.t.db, 'rookie', 'operator', { trained: false });
    const admin = await addUser(rig.t.db, 'chief', 'administrator', { trained: false });
    for (const u of [op, admin]) {
      await expect(door.searchReads(u, purpose, { plate: 'ABC123', from: 0, to: NOW })).rejects.toThrow(
        /no ALPR training on record.*424\.3\(e\)/,
      );
    }
    const entries = door.entries();
    expect(entries.map((e) => [e.username, e.action, e.outcome, e.resultCount])).toEqual([
      ['rookie', 'search', 'refused', 0],
      ['chief', 'search', 'refused', 0],
    ]);
    expect(entries[0]!.query).toMatchObject({ plate: 'ABC123' });
  });

  it('refuses a user whose training has expired, from the day after its expiry', async () => {
    const lapsed = await addUser(rig.t.db, 'lapsed', 'operator', { expiresOn: isoDay(NOW - DAY) });
    await expect(door.listHits(lapsed, purpose, { from: 0, to: NOW })).rejects.toThrow(/training expired on/);
    const today = await addUser(rig.t.db, 'today', 'operator', { expiresOn: isoDay(NOW) });
    await expect(door.listHits(today, purpose, { from: 0, to: NOW })).resolves.toEqual([]);
  });

  it('judges training on the daemon clock, whatever the client says the date is', async () => {
    const op = await addUser(rig.t.db, 'deputy', 'operator', { expiresOn: isoDay(NOW) });
    await expect(door.listHits(op, purpose, { from: 0, to: NOW })).resolves.toEqual([]);
    rig.clock.advance(DAY);
    // A new login the next day on the daemon's clock (the first session has lapsed meanwhile).
    await expect(new ApiDoor(rig).listHits(op, purpose, { from: 0, to: NOW })).rejects.toThrow(/training expired on/);
    const refusal = door.entries().pop();
    expect(refusal).toMatchObject({ username: 'deputy', outcome: 'refused', at: NOW + DAY });
  });

  it('treats training as current through its expiry day and not after', () => {
    expect(trainingCurrent('2026-11-28', NOW)).toBe(true);
    expect(trainingCurrent('2026-11-27', NOW)).toBe(false);
    expect(trainingCurrent(null, NOW)).toBe(false);
  });

  it('still lets an untrained administrator manage users, which shows no read data', async () => {
    const admin = await addUser(rig.t.db, 'chief', 'administrator', { trained: false });
    await expect((await door.client(admin)).call('listUsers', {})).resolves.toMatchObject({
      users: [expect.objectContaining({ username: 'chief' })],
    });
    await addUser(rig.t.db, 'deputy', 'operator');
    await expect(
      (await door.client(admin)).call('setRole', { role: 'supervisor' }, { name: 'deputy' }),
    ).resolves.toEqual({ ok: true });
    expect(door.entries().map((e) => [e.username, e.action, e.outcome])).toEqual([
      ['chief', 'users_manage', 'allowed'],
      ['chief', 'users_manage', 'allowed'],
    ]);
  });
});
