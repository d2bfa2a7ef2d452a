import type { Matcher } from './matcher.js';

/** A list the matcher consults now: one per source plus the unit's local entries. */
export interface ActiveList {
  sourceId: string;
  versionId: string;
  /** When the list was last known current (epoch ms); its age on hits and status counts from here. */
  asOf: number;
  matcher: Matcher;
}

/** Whatever holds the current lists (ActiveLists). Read on every read, so it must be cheap. */
export interface ActiveListProvider {
  activeLists(): readonly ActiveList[];
}

/**
 * The lists in use, held apart from the service that loads them: the hotlist service replaces
 * them and the hit decider reads them, so each is built with this object rather than the other.
 */
export class ActiveLists implements ActiveListProvider {
  private current: readonly ActiveList[] = [];

  activeLists(): readonly ActiveList[] {
    return this.current;
  }

  /** Puts new lists in use, all at once (one assignment: a read sees the old set or the new). */
  replace(lists: readonly ActiveList[]): void {
    this.current = lists;
  }
}
