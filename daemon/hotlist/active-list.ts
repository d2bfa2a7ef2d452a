import type { Matcher } from './matcher.js';

/** A list the matcher consults now: one per source plus the unit's local entries. */
export interface ActiveList {
  sourceId: string;
  versionId: string;
  /** When the list was last known current (epoch ms); its age on hits and status counts from here. */
  asOf: number;
  matcher: Matcher;
}

/** Whatever holds the current lists (HotlistService). Read on every read, so it must be cheap. */
export interface ActiveListProvider {
  activeLists(): readonly ActiveList[];
}
