import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GovernanceService } from '../../daemon/access/governance-service.js';
import { defaultAccessConfig } from '../../daemon/access/config.js';
import { defaultRetentionConfig } from '../../daemon/retention/config.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import type { PurgeRecord } from '../../daemon/store/purge-records.js';
import { addRead, tempDb, DAY, NOW } from './fixture.js';

// Policy 424.4 (purge at start) and 424.3(b) (no default login) as the daemon runs them.
describe('424.4 governance service in the daemon', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => (t = tempDb()));
  afterEach(() => t.close());

  it('purges expired reads at start and issues the bootstrap secret on a unit with no users', async () => {
    addRead(t.db, { plate: 'OLD001', at: NOW - 22 * DAY });
    const runs: (PurgeRecord | Error)[] = [];
    const svc = new GovernanceService({
      db: t.db,
      clock: new ManualClock(NOW),
      log: silentLogger(),
      onPurge: (r) => runs.push(r),
      config: { access: defaultAccessConfig, retention: defaultRetentionConfig, storage: { path: t.dir } },
    });
    svc.start();
    for (let i = 0; i < 500 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await svc.stop();
    expect(runs[0]).toMatchObject({ readsDeleted: 1 });
    expect(existsSync(join(t.dir, 'bootstrap-secret'))).toBe(true);
  });
});
