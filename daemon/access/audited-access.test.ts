import { ManualClock } from '../shared/clock.js';
import { AuditLog } from '../store/audit-log.js';
import { openDatabase } from '../store/database.js';
import { addRead, addUser, NOW, tempDb } from '../../test/policy/fixture.js';
import { AuditedAccess } from './audited-access.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0200' };

// A concurrent commit cannot be timed through the API's socket, so perform's retry is proved here,
// on AuditedAccess itself; the policy tests prove the audited path through the API.
describe('AuditedAccess beside a writing daemon', () => {
  it('still audits and answers a search when another connection commits during it', async () => {
    const t = tempDb();
    try {
      const access = new AuditedAccess(t.db, new ManualClock(NOW));
      addRead(t.db, { plate: 'ABC123', at: NOW - 1000 });
      const op = await addUser(t.db, 'deputy', 'operator');
      const other = openDatabase(t.file);
      let interfered = 0;
      const r = access.perform(op, 'search', purpose, { kind: 'test' }, () => {
        // The daemon's ingest commits between this search's read and its audit entry (first try only).
        const n = (t.db.prepare('SELECT count(*) AS n FROM reads').get() as { n: number }).n;
        if (interfered++ === 0) addRead(other, { plate: 'NEW999', at: NOW });
        return { value: 'ok', count: n };
      });
      other.close();
      expect(r).toBe('ok');
      expect(interfered).toBe(2);
      expect(new AuditLog(t.db).between(0, NOW + 1).map((e) => [e.action, e.outcome])).toEqual([['search', 'allowed']]);
    } finally {
      t.close();
    }
  });
});
