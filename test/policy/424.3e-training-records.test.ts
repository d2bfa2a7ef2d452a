import type { ApiClient } from '../../daemon/cli/api-client.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { NOW, addUser } from './fixture.js';

// Policy 424.3(e) through the daemon's API: training is recorded by someone other than the
// trainee, for training already completed, and counts at most access.training_valid_days.
describe('424.3(e) who records training, and for how long', () => {
  let rig: ApiRig;
  let chief: ApiClient;
  let sarge: ApiClient;
  beforeEach(async () => {
    rig = await startApi({ access: { training_valid_days: 730 } });
    await addUser(rig.t.db, 'chief', 'administrator');
    await addUser(rig.t.db, 'sarge', 'supervisor', { trained: false });
    await addUser(rig.t.db, 'deputy', 'operator', { trained: false });
    chief = await rig.as('chief');
    sarge = await rig.as('sarge');
  });
  afterEach(() => rig.close());
  const refusals = () =>
    new AuditLog(rig.t.db)
      .between(0, NOW + 1)
      .filter((e) => e.action === 'training_record' && e.outcome === 'refused')
      .map((e) => String(e.detail.reason));

  it('refuses an administrator recording their own training, and audits it', async () => {
    await expect(chief.call('addTraining', { completed_on: '2026-11-01' }, { name: 'chief' })).rejects.toThrow(
      /someone other than the trainee/,
    );
    expect(refusals()).toEqual([expect.stringMatching(/someone other than the trainee/)]);
  });

  it('refuses a future completion date and an expiry past the configured cap', async () => {
    await expect(sarge.call('addTraining', { completed_on: '2026-12-01' }, { name: 'deputy' })).rejects.toThrow(
      /is in the future/,
    );
    await expect(
      sarge.call('addTraining', { completed_on: '2026-11-01', expires_on: '2126-11-01' }, { name: 'deputy' }),
    ).rejects.toThrow(/valid at most 730 days.*expires on 2028-10-31 at the latest/);
    expect(refusals()).toHaveLength(2);
  });

  it('lets a supervisor record a deputy training, valid the configured days by default', async () => {
    await expect(sarge.call('addTraining', { completed_on: '2026-11-01' }, { name: 'deputy' })).resolves.toEqual({
      completedOn: '2026-11-01',
      expiresOn: '2028-10-31',
    });
    const rec = rig.t.db.prepare('SELECT recorded_by FROM training_records ORDER BY id DESC LIMIT 1').get() as {
      recorded_by: string;
    };
    expect(rec.recorded_by).toBe('sarge');
  });

  it('refuses an operator recording anyone training', async () => {
    await addUser(rig.t.db, 'op', 'operator');
    const op = await rig.as('op');
    await expect(op.call('addTraining', { completed_on: '2026-11-01' }, { name: 'deputy' })).rejects.toThrow(
      /operator role may not training record/,
    );
  });
});
