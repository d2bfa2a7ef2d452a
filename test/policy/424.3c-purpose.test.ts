import { parsePurpose } from '../../daemon/access/purpose.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addRead, addUser, DAY, NOW } from './fixture.js';

// Policy 424.3(a),(c) and 424.5(c): data only for legitimate law-enforcement purposes, each access
// naming one. Proved through the daemon's API, the door people use.
describe('424.3(c) / 424.5(c) a stated purpose for every access', () => {
  let rig: ApiRig;
  let door: ApiDoor;
  beforeEach(async () => {
    rig = await startApi();
    door = new ApiDoor(rig);
    addRead(rig.t.db, { plate: 'ABC123', at: NOW - DAY });
  });
  afterEach(() => rig.close());

  it('refuses a search without a purpose and audits the refusal with the query', async () => {
    const op = await addUser(rig.t.db, 'deputy', 'operator');
    await expect(door.searchReads(op, undefined, { plate: 'ABC123', from: 0, to: NOW })).rejects.toThrow(
      /purpose is required.*424\.5\(c\)/,
    );
    const [e] = door.entries();
    expect(e).toMatchObject({
      username: 'deputy',
      action: 'search',
      outcome: 'refused',
      purposeCategory: null,
      query: { plate: 'ABC123' },
    });
  });

  it('records the purpose category and case number with the search and its result count', async () => {
    const op = await addUser(rig.t.db, 'deputy', 'operator');
    await door.searchReads(op, parsePurpose('patrol_operation', 'INC-2026-55'), { plate: 'ABC123', from: 0, to: NOW });
    const [e] = door.entries();
    expect(e).toMatchObject({
      action: 'search',
      outcome: 'allowed',
      purposeCategory: 'patrol_operation',
      caseNumber: 'INC-2026-55',
      resultCount: 1,
      at: NOW,
    });
  });

  it('accepts only the listed categories and a real case or incident number, and audits each refusal', async () => {
    const op = await addUser(rig.t.db, 'deputy', 'operator');
    const c = await door.client(op);
    const search = (given: { purpose?: string; case?: string }) =>
      c.call('searchReads', { ...given, from: 0, to: NOW });
    await expect(search({ case: 'CR1' })).rejects.toThrow(/purpose is required/);
    await expect(search({ purpose: 'curiosity', case: 'CR26-1' })).rejects.toThrow(/not a purpose category/);
    await expect(search({ purpose: 'criminal_investigation', case: '' })).rejects.toThrow(/purpose is required/);
    await expect(search({ purpose: 'criminal_investigation', case: 'x' })).rejects.toThrow(
      /not a case or incident number/,
    );
    await search({ purpose: 'criminal_investigation', case: ' CR26-0001 ' });
    expect(door.entries().map((e) => [e.outcome, e.purposeCategory, e.caseNumber])).toEqual([
      ['refused', null, null],
      ['refused', null, null],
      ['refused', null, null],
      ['refused', null, null],
      ['allowed', 'criminal_investigation', 'CR26-0001'],
    ]);
  });

  it('requires a purpose to view hits, verify a hit, hold, export and release', async () => {
    const op = await addUser(rig.t.db, 'deputy', 'operator');
    await expect(door.listHits(op, undefined, { from: 0, to: NOW })).rejects.toThrow(/purpose is required/);
    await expect(
      door.verifyHit(op, undefined, { hitId: 'h', outcome: 'confirmed', reference: 'CBI-1', note: '' }),
    ).rejects.toThrow(/purpose is required/);
    await expect(door.createHold(op, undefined, { reason: 'x', readIds: ['r'] })).rejects.toThrow(
      /purpose is required/,
    );
    await expect((await door.client(op)).call('exportEvidence', {})).rejects.toThrow(/purpose is required/);
    await expect(
      door.recordRelease(op, undefined, {
        agency: 'CSP',
        requestingOfficer: 'Tpr X',
        legalBasis: 'CRS',
        what: 'x',
      }),
    ).rejects.toThrow(/purpose is required/);
    expect(door.entries().map((e) => [e.action, e.outcome])).toEqual([
      ['view_hits', 'refused'],
      ['verify_hit', 'refused'],
      ['hold_create', 'refused'],
      ['export', 'refused'],
      ['release', 'refused'],
    ]);
  });
});
