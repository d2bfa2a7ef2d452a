import type { EdgeConfig } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Db } from '../store/database.js';
import { RetentionJob } from '../retention/retention-job.js';
import type { PurgeRecord } from '../store/purge-records.js';
import { Bootstrap } from './bootstrap.js';

export interface GovernanceDeps {
  db: Db;
  clock: Clock;
  config: Pick<EdgeConfig, 'access' | 'retention'> & { storage: Pick<EdgeConfig['storage'], 'path'> };
  log: Logger;
  /** Optional: each purge run's record (or error), e.g. for health metrics. */
  onPurge?: (result: PurgeRecord | Error) => void;
}

/**
 * What the daemon runs for data governance: on start, a one-time bootstrap secret if the unit has
 * no users yet (its file path is logged, never the secret), then the retention job (a purge at
 * start and every `retention.interval_minutes`, plus the audit log's own multi-year trim).
 */
export class GovernanceService {
  private readonly retention: RetentionJob;
  private readonly log: Logger;

  /** Stores dependencies only. */
  constructor(private readonly deps: GovernanceDeps) {
    this.log = deps.log.child({ component: 'governance' });
    this.retention = new RetentionJob({
      db: deps.db,
      clock: deps.clock,
      config: deps.config.retention,
      auditRetentionDays: deps.config.access.audit_retention_days,
      log: deps.log,
      onRunFinished: deps.onPurge,
    });
  }

  /** Issues the bootstrap secret when needed and starts the purge schedule; returns at once. */
  start(signal?: AbortSignal): void {
    const file = new Bootstrap(this.deps.db, this.deps.config.storage.path).ensureSecret(this.deps.clock.now());
    if (file) {
      this.log.warn(
        { secret_file: file },
        'no users yet: create the first administrator with `alpr-edge users bootstrap` and the one-time secret in this file',
      );
    }
    this.retention.start(signal);
  }

  /** Stops the purge after the batch in hand. */
  async stop(): Promise<void> {
    await this.retention.stop();
  }
}
