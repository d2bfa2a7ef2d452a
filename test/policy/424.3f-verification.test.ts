import { AuditedAccess } from '../../daemon/access/audited-access.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { addHit, addRead, addUser, tempDb, DAY, NOW } from './fixture.js';

const purpose = { category: 'hit_verification' as const, caseNumber: 'INC-2026-77' };

// Policy 424.3(f): an ALPR hit is verified with the Colorado Bureau of Investigation before enforcement.
describe('424.3(f) hit verification', () => {
  let t: ReturnType<typeof tempDb>;
  let access: AuditedAccess;
  let hitId: string;
  beforeEach(() => {
    t = tempDb();
    access = new AuditedAccess(t.db, new ManualClock(NOW));
    hitId = addHit(t.db, addRead(t.db, { plate: 'STOLEN1', at: NOW - DAY }));
  });
  afterEach(() => t.close());

  it('shows a new hit as unverified', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    expect(access.listHits(op, purpose, { from: 0, to: NOW })).toEqual([
      expect.objectContaining({ id: hitId, status: 'unverified', verifiedBy: null }),
    ]);
  });

  it('records who confirmed it, when, with the bureau reference and note, and audits it', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    const hit = access.verifyHit(op, purpose, {
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
    expect(new AuditLog(t.db).between(0, NOW + 1).pop()).toMatchObject({
      action: 'verify_hit',
      outcome: 'allowed',
      query: { hit_id: hitId, outcome: 'confirmed' },
    });
  });

  it('refuses a verification without a bureau reference, and a second verdict on the same hit', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    expect(() => access.verifyHit(op, purpose, { hitId, outcome: 'rejected', reference: ' ', note: '' })).toThrow(
      /bureau \(CBI\) response reference/,
    );
    access.verifyHit(op, purpose, {
      hitId,
      outcome: 'rejected',
      reference: 'CBI-9',
      note: 'plate recovered last week',
    });
    expect(() => access.verifyHit(op, purpose, { hitId, outcome: 'confirmed', reference: 'CBI-10', note: '' })).toThrow(
      /already rejected by deputy/,
    );
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
      expect(() => access.verifyHit(u, purpose, { hitId, outcome: 'confirmed', reference: 'CBI-1', note: '' })).toThrow(
        /may not verify hit/,
      );
    }
    expect((t.db.prepare('SELECT status FROM hits WHERE id = ?').get(hitId) as { status: string }).status).toBe(
      'unverified',
    );
  });
});
