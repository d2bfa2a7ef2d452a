import type { Db } from './database.js';
import { VersionStore } from './hotlist-versions.js';
import { LocalEntryRows } from './local-entries.js';
import { ReadPages } from './read-pages.js';
import { transactionsOn } from './transactions.js';

/** What the hotlist service keeps in the database, on one connection (see HotlistService). */
export function hotlistStore(db: Db) {
  return {
    versions: new VersionStore(db),
    localEntries: new LocalEntryRows(db),
    reads: new ReadPages(db),
    transactions: transactionsOn(db),
  };
}
