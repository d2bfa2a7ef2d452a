import { haversineM } from '../../daemon/access/read-queries.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addRead, addUser, NOW } from './fixture.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0042' };
const H = 3_600_000;

// Policy 424.3(c),(d): canvass plates around a crime scene; partial plates from a major crime can be searched.
// Proved through the daemon's API, the door people use.
describe('424.3(d) partial plates and canvass', () => {
  let rig: ApiRig;
  let t: ApiRig['t'];
  let access: ApiDoor;
  beforeEach(async () => {
    rig = await startApi();
    t = rig.t;
    access = new ApiDoor(rig);
    addRead(t.db, { plate: 'ABX123', at: NOW - 2 * H, camera: 'front' });
    addRead(t.db, { plate: 'ABY1234', at: NOW - 3 * H, camera: 'rear' });
    addRead(t.db, { plate: 'ZZZ999', at: NOW - 2 * H, camera: 'front' });
    addRead(t.db, { plate: 'AB5123', at: NOW - 50 * H, camera: 'front' });
    // near Idaho Springs (39.7425,-105.5136), one 300 m away, one 5 km away
    addRead(t.db, { plate: 'NEAR01', at: NOW - H, lat: 39.7425, lon: -105.5136 });
    addRead(t.db, { plate: 'NEAR02', at: NOW - H, lat: 39.7452, lon: -105.5136 });
    addRead(t.db, { plate: 'FAR001', at: NOW - H, lat: 39.7875, lon: -105.5136 });
  });
  afterEach(() => rig.close());

  it('finds reads by a partial plate with ? for one character and * for any run, within the window', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const plates = async (plate: string, from = NOW - 24 * H): Promise<string[]> =>
      (await access.searchReads(op, purpose, { plate, from, to: NOW })).reads.map((r) => r.plate).sort();
    expect(await plates('AB?123')).toEqual(['ABX123']);
    expect(await plates('AB?123*')).toEqual(['ABX123', 'ABY1234']);
    expect(await plates('*123*')).toEqual(['ABX123', 'ABY1234']);
    expect(await plates('ab-?123', 0)).toEqual(['AB5123', 'ABX123']);
    expect(await plates('ABX123')).toEqual(['ABX123']);
    expect(await plates('AB?12')).toEqual([]);
  });

  it('filters by camera and reports the search in the audit log', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const r = await access.searchReads(op, purpose, { plate: 'AB*', from: 0, to: NOW, cameras: ['rear'] });
    expect(r.reads.map((x) => x.plate)).toEqual(['ABY1234']);
    expect(access.entries().pop()).toMatchObject({
      resultCount: 1,
      query: { plate: 'AB*', cameras: ['rear'] },
    });
  });

  it('canvasses every read within a radius of an incident during a window, nearest first', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const r = await access.canvass(op, purpose, {
      lat: 39.7425,
      lon: -105.5136,
      radiusM: 1000,
      from: NOW - 1.5 * H,
      to: NOW,
    });
    expect(r.reads.map((x) => x.plate)).toEqual(['NEAR01', 'NEAR02']);
    expect(r.reads[1]!.distanceM).toBeGreaterThan(250);
    expect(access.entries().pop()).toMatchObject({
      action: 'search',
      query: { kind: 'canvass', radius_m: 1000 },
      resultCount: 2,
    });
    expect(Math.round(haversineM(39.7425, -105.5136, 39.7875, -105.5136) / 100)).toBe(50);
  });

  it('refuses a pattern that matches every plate or holds other characters, and a reversed window', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    await expect(access.searchReads(op, purpose, { plate: '*', from: 0, to: NOW })).rejects.toThrow(
      /matches every plate/,
    );
    await expect(access.searchReads(op, purpose, { plate: 'AB%1', from: 0, to: NOW })).rejects.toThrow(/not a plate/);
    expect(access.entries().map((e) => e.outcome)).toEqual(['failed', 'failed']);
    await expect(access.searchReads(op, purpose, { plate: 'AB*', from: NOW, to: 0 })).rejects.toThrow(
      /ends before it starts/,
    );
    expect(access.entries().pop()).toMatchObject({ outcome: 'failed' });
  });
});
