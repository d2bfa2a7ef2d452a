import { ReleaseStore } from '../../daemon/store/releases.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { AgencyStore } from '../../daemon/store/agencies.js';
import { HoldStore } from '../../daemon/store/holds.js';
import { addRead, addUser, DAY, NOW } from './fixture.js';

const crim = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0100' };
const base = {
  agency: 'U.S. Postal Inspection Service',
  holdId: 1,
  requestingOfficer: 'Insp. Rivera',
  legalBasis: 'C.R.S. 24-72-305.5',
  what: 'evidence package of case CR26-0100 (3 reads)',
};

// Policy 424.4 and 424.5(d): releases are recorded; a federal release only for a criminal investigation and after notifying the County Attorney.
// Proved through the daemon's API, the door people use.
describe('424.4 releases and the federal rule', () => {
  let rig: ApiRig;
  let t: ApiRig['t'];
  let access: ApiDoor;
  beforeEach(async () => {
    rig = await startApi();
    t = rig.t;
    access = new ApiDoor(rig);
    // The registry fixes each agency's level; each release covers a hold of its case (holds 1-3).
    const agencies = new AgencyStore(t.db);
    agencies.add({ name: 'U.S. Postal Inspection Service', level: 'federal' }, 'chief', NOW);
    agencies.add({ name: 'Colorado State Patrol', level: 'state' }, 'chief', NOW);
    for (const caseNumber of ['CR26-0100', 'CV26-1', 'INC-9'])
      new HoldStore(t.db).create(
        {
          caseNumber,
          reason: 'evidence',
          createdBy: 'x',
          reviewAt: NOW + DAY,
          scope: { kind: 'reads', readIds: [addRead(t.db, { plate: 'ABC123', at: NOW - DAY })] },
        },
        NOW,
      );
  });
  afterEach(() => rig.close());

  it('refuses a federal release without a County Attorney notification, and audits the refusal', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    await expect(access.recordRelease(op, crim, base)).rejects.toThrow(/County Attorney notified first/);
    expect(new ReleaseStore(t.db).between(0, NOW + 1)).toEqual([]);
    expect(access.entries().pop()).toMatchObject({
      action: 'release',
      outcome: 'refused',
      caseNumber: 'CR26-0100',
    });
  });

  it('refuses a federal release that is not for a criminal investigation, even with the notification', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    await expect(
      access.recordRelease(
        op,
        { category: 'civil_action', caseNumber: 'CV26-1' },
        { ...base, holdId: 2, attorneyNotifiedBy: 'Sgt. Lee', attorneyNotifiedAt: NOW - 1000 },
      ),
    ).rejects.toThrow(/only for a criminal investigation/);
  });

  it('records a federal release for a criminal investigation after the notification: who, when, what, basis', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const rel = await access.recordRelease(op, crim, {
      ...base,
      attorneyNotifiedBy: 'Sgt. Lee',
      attorneyNotifiedAt: NOW - 3_600_000,
    });
    expect(rel).toMatchObject({
      recordedBy: 'deputy',
      at: NOW,
      agencyLevel: 'federal',
      caseNumber: 'CR26-0100',
      attorneyNotifiedBy: 'Sgt. Lee',
    });
    expect(access.entries().pop()).toMatchObject({
      action: 'release',
      outcome: 'allowed',
      resultCount: 1,
    });
  });

  it('records a state or local release without the federal conditions, but never without agency, officer, basis and what', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    expect(
      (
        await access.recordRelease(
          op,
          { category: 'patrol_operation', caseNumber: 'INC-9' },
          { ...base, holdId: 3, agency: 'Colorado State Patrol' },
        )
      ).id,
    ).toBeGreaterThan(0);
    await expect(
      access.recordRelease(
        op,
        { category: 'patrol_operation', caseNumber: 'INC-9' },
        { ...base, holdId: 3, agency: 'Colorado State Patrol', legalBasis: '' },
      ),
    ).rejects.toThrow(/--legal-basis/);
    await expect(
      access.recordRelease(op, crim, { ...base, attorneyNotifiedBy: 'x', attorneyNotifiedAt: NOW + 60_000 }),
    ).rejects.toThrow(/in the future/);
    expect(new ReleaseStore(t.db).between(0, NOW + 1)).toHaveLength(1);
    expect(
      access
        .entries()
        .slice(-2)
        .map((e) => [e.action, e.outcome, e.caseNumber]),
    ).toEqual([
      ['release', 'refused', 'INC-9'],
      ['release', 'refused', 'CR26-0100'],
    ]);
  });
});
