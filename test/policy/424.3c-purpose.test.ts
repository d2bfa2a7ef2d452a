import { AuditedAccess } from '../../daemon/access/audited-access.js';
import { parsePurpose } from '../../daemon/access/purpose.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { addRead, addUser, tempDb, DAY, NOW } from './fixture.js';

// Policy 424.3(a),(c) and 424.5(c): data only for legitimate law-enforcement purposes, each access naming one.
describe('424.3(c) / 424.5(c) a stated purpose for every access', () => {
  let t: ReturnType<typeof tempDb>;
  let access: AuditedAccess;
  beforeEach(() => {
    t = tempDb();
    access = new AuditedAccess(t.db, new ManualClock(NOW));
    addRead(t.db, { plate: 'ABC123', at: NOW - DAY });
  });
  afterEach(() => t.close());

  it('refuses a search without a purpose and audits the refusal with the query', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    expect(() => access.searchReads(op, undefined, { plate: 'ABC123', from: 0, to: NOW })).toThrow(
      /purpose is required.*424\.5\(c\)/,
    );
    const [e] = new AuditLog(t.db).between(0, NOW + 1);
    expect(e).toMatchObject({
      username: 'deputy',
      action: 'search',
      outcome: 'refused',
      purposeCategory: null,
      query: { plate: 'ABC123' },
    });
  });

  it('records the purpose category and case number with the search and its result count', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    access.searchReads(op, parsePurpose('patrol_operation', 'INC-2026-55'), { plate: 'ABC123', from: 0, to: NOW });
    const [e] = new AuditLog(t.db).between(0, NOW + 1);
    expect(e).toMatchObject({
      action: 'search',
      outcome: 'allowed',
      purposeCategory: 'patrol_operation',
      caseNumber: 'INC-2026-55',
      resultCount: 1,
      at: NOW,
    });
  });

  it('accepts only the listed categories and a real case or incident number', () => {
    expect(() => parsePurpose(undefined, 'CR1')).toThrow(/purpose is required/);
    expect(() => parsePurpose('curiosity', 'CR26-1')).toThrow(/not a purpose category/);
    expect(() => parsePurpose('criminal_investigation', '')).toThrow(/purpose is required/);
    expect(() => parsePurpose('criminal_investigation', 'x')).toThrow(/not a case or incident number/);
    expect(parsePurpose('criminal_investigation', ' CR26-0001 ')).toEqual({
      category: 'criminal_investigation',
      caseNumber: 'CR26-0001',
    });
  });

  it('requires a purpose to view hits, verify a hit, hold, export and release', async () => {
    const op = await addUser(t.db, 'deputy', 'operator');
    expect(() => access.listHits(op, undefined, { from: 0, to: NOW })).toThrow(/purpose is required/);
    expect(() =>
      access.verifyHit(op, undefined, { hitId: 'h', outcome: 'confirmed', reference: 'CBI-1', note: '' }),
    ).toThrow(/purpose is required/);
    expect(() => access.createHold(op, undefined, { reason: 'x', scope: { kind: 'reads', readIds: ['r'] } })).toThrow(
      /purpose is required/,
    );
    expect(() =>
      access.recordRelease(op, undefined, {
        agency: 'CSP',
        agencyLevel: 'state',
        requestingOfficer: 'Tpr X',
        legalBasis: 'CRS',
        what: 'x',
      }),
    ).toThrow(/purpose is required/);
  });
});
