import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RetentionJob } from '../../daemon/retention/retention-job.js';
import { defaultRetentionConfig } from '../../daemon/retention/config.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import type { PurgeRecord } from '../../daemon/store/purge-records.js';
import { startApi } from '../api/api-fixture.js';
import { addRead, addUser, tempDb, DAY, NOW } from './fixture.js';

// Policy 424.4 (purge at start) and 424.3(b) (no default login), as the daemon's services run them.
describe('424.4 and 424.3(b) at the daemon start', () => {
  it('purges expired reads as soon as the retention service starts', async () => {
    const t = tempDb();
    try {
      addRead(t.db, { plate: 'OLD001', at: NOW - 22 * DAY });
      addRead(t.db, { plate: 'NEW001', at: NOW - DAY });
      const runs: (PurgeRecord | Error)[] = [];
      const job = new RetentionJob({
        db: t.db,
        clock: new ManualClock(NOW),
        config: defaultRetentionConfig,
        auditRetentionDays: 1095,
        log: silentLogger(),
        onRunFinished: (r) => runs.push(r),
      });
      job.start();
      for (let i = 0; i < 500 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await job.stop();
      expect(runs[0]).toMatchObject({ readsDeleted: 1 });
      expect(t.db.prepare('SELECT plate FROM reads').all()).toEqual([{ plate: 'NEW001' }]);
    } finally {
      t.close();
    }
  });

  it('issues the one-time bootstrap secret (0600) when the API starts on a unit with no users, and not once it has one', async () => {
    const rig = await startApi();
    try {
      const file = join(rig.t.dir, 'bootstrap-secret');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      await addUser(rig.t.db, 'chief', 'administrator');
      await rig.server.stop();
      rmSync(file);
      await rig.server.start(new AbortController().signal);
      expect(existsSync(file)).toBe(false);
    } finally {
      await rig.close();
    }
  });
});
