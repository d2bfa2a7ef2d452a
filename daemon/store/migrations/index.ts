import { readsMigration } from './001-reads.js';
import { readPositionsMigration } from './002-read-positions.js';
import { hitsMigration } from './010-hits.js';
import { hotlistsMigration } from './011-hotlists.js';
import { outboxMigration } from './012-outbox.js';
import { outboxPurgeMigration } from './013-outbox-purge.js';
import { hitsLastSeenMigration } from './014-hits-last-seen.js';
import { usersMigration } from './020-users.js';
import { auditLogMigration } from './021-audit-log.js';
import { holdsMigration } from './022-holds.js';
import { releasesRecordsMigration } from './023-releases-records.js';
import { purgesMigration } from './024-purges.js';
import { auditMacMigration } from './025-audit-mac.js';
import { identityMigration } from './026-identity.js';
import { holdRulesMigration } from './027-hold-rules.js';
import { agenciesMigration } from './028-agencies.js';
import { pageRecordsMigration } from './029-page-records.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/**
 * Every schema step, all rooms together. Id ranges: 1-9 reads (store), 10-19 hotlist, hits and
 * outbox, 20-39 access, audit, holds, releases and retention.
 */
export const migrations: readonly Migration[] = [
  readsMigration,
  readPositionsMigration,
  hitsMigration,
  hotlistsMigration,
  outboxMigration,
  outboxPurgeMigration,
  hitsLastSeenMigration,
  usersMigration,
  auditLogMigration,
  holdsMigration,
  releasesRecordsMigration,
  purgesMigration,
  auditMacMigration,
  identityMigration,
  holdRulesMigration,
  agenciesMigration,
  pageRecordsMigration,
];
