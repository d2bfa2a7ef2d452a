import { startApi, type ApiRig } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addHit, addRead, addUser, DAY, NOW } from './fixture.js';

const purpose = { category: 'hit_verification' as const, caseNumber: 'INC-2026-77' };

// Policy 424.3(f): an ALPR hit is verified with the Colorado Bureau of Investigation before
// enforcement. Proved through the daemon's API, the door people use.
describe('424.3(f) hit verification', () => {
  let rig: ApiRig;
  let t: ApiRig['t'];
  let access: ApiDoor;
  let hitId: string;
  beforeEach(async () => {
    rig = await startApi();
    t = rig.t;
    access = new ApiDoor(rig);
    hitId = addHit(t.db, addRead(t.db, { plate: 'STOLEN1', at: NOW - DAY }));
  });
  afterEach(() => rig.close());

  it('shows a new hit as unverified', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    expect(await access.listHits(op, purpose, { from: 0, to: NOW })).toEqual([
      expect.objectContaining({ id: hitId, status: 'unverified', verifiedBy: null }),
    ]);
  });

  it('records who confirmed it, when, with the bureau reference and note, and audits it', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const hit = await access.verifyHit(op, purpose, {
      hitId,
      outcome: 'confirmed',
      reference: 'CBI-2026-11-28-0042',
      note: 'CCIC confirms stolen',
    });
    expect(hit).toMatchObject({
      status: 'confirmed',
      verifiedBy: 'deputy',
      verifiedAt: NOW,
      verificationRef: 'CBI-2026-11-28-0042',
      verificationNote: 'CCIC confirms stolen',
    });
    expect(access.entries().pop()).toMatchObject({
      action: 'verify_hit',
      outcome: 'allowed',
      query: { hit_id: hitId, outcome: 'confirmed' },
    });
  });

  it('refuses a verification without a bureau reference, and a second verdict on the same hit', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    await expect(
      access.verifyHit(op, purpose, { hitId, outcome: 'rejected', reference: ' ', note: '' }),
    ).rejects.toThrow(/bureau \(CBI\) response reference/);
    await access.verifyHit(op, purpose, {
      hitId,
      outcome: 'rejected',
      reference: 'CBI-9',
      note: 'plate recovered last week',
    });
    await expect(
      access.verifyHit(op, purpose, { hitId, outcome: 'confirmed', reference: 'CBI-10', note: '' }),
    ).rejects.toThrow(/already rejected by deputy/);
    expect(
      t.db.prepare('SELECT status, verification_ref FROM hits WHERE id = ?').get(hitId) as {
        status: string;
        verification_ref: string;
      },
    ).toEqual({ status: 'rejected', verification_ref: 'CBI-9' });
  });

  it('does not let an auditor or technician record a verification', async () => {
    for (const role of ['auditor', 'technician'] as const) {
      const u = await addUser(t.db, role, role);
      await expect(
        access.verifyHit(u, purpose, { hitId, outcome: 'confirmed', reference: 'CBI-1', note: '' }),
      ).rejects.toThrow(/may not verify hit/);
    }
    expect((t.db.prepare('SELECT status FROM hits WHERE id = ?').get(hitId) as { status: string }).status).toBe(
      'unverified',
    );
  });
});
