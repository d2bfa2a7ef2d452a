import { readsMigration } from './001-reads.js';
import { hitsMigration } from './010-hits.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/**
 * Every schema step, all rooms together. Id ranges: 1-9 reads (store), 10-19 hotlist, hits and
 * outbox, 20-39 access, audit, holds, releases and retention.
 */
export const migrations: readonly Migration[] = [readsMigration, hitsMigration];
