import type { Clock } from '../shared/clock.js';
import type { ActiveListProvider } from './active-list.js';
import { entryIdentity } from './entry.js';
import type { FoundMatch, ReadForMatching } from './hit.js';
import { normalizePlate } from './normalize.js';

/** What the decider asks of the hits already stored (store/hits.ts HitStore). */
export interface HitHistory {
  /** The hit of this plate and entry at this camera last seen at or after `since`, if any. */
  findRepeat(plate: string, cameraId: string, identity: string, since: number): string | undefined;
  /** The entry snapshots (`entryJson`) of every hit a read raised. */
  entryJsonForRead(readId: string): string[];
}

export interface HitDeciderDeps {
  lists: ActiveListProvider;
  history: HitHistory;
  clock: Clock;
  /** hotlists.repeat_window_s in ms; absent or 0: every matching read is a new hit. */
  repeatWindowMs?: number;
}

/** Which matches of a read are new hits, and which hits a read only sees again. */
export interface RepeatSplit {
  fresh: FoundMatch[];
  /** The earlier hit each repeated match belongs to (one id per repeated match). */
  seenAgain: string[];
}

/**
 * Decides which reads hit: matches a read against the lists in use, folds a repeat sighting into
 * the hit it repeats, and keeps a read from hitting one entry twice retrospectively. It writes
 * nothing; the hit recorder (alerts/) records and delivers what it decides.
 */
export class HitDecider {
  /** Stores its dependencies; no I/O. */
  constructor(private readonly deps: HitDeciderDeps) {}

  /** The active lists' matches for a read: memory only, so it works when the disk does not. */
  match(read: Pick<ReadForMatching, 'plate' | 'state'>, now = this.deps.clock.now()): FoundMatch[] {
    const plate = normalizePlate(read.plate);
    const state = read.state ? read.state.toUpperCase() : null;
    const found: FoundMatch[] = [];
    for (const list of this.deps.lists.activeLists()) {
      for (const match of list.matcher.match(plate, state, now)) found.push({ match, list });
    }
    return found;
  }

  /**
   * One vehicle pass, one alert: a match whose plate hit the same entry at the same camera within
   * the repeat window (a pass the tracker split, a car waiting in view) is a sighting of that hit,
   * not a new one.
   */
  splitRepeats(read: Pick<ReadForMatching, 'plate' | 'cameraId' | 'lastSeen'>, found: FoundMatch[]): RepeatSplit {
    const window = this.deps.repeatWindowMs ?? 0;
    if (window <= 0) return { fresh: found, seenAgain: [] };
    const split: RepeatSplit = { fresh: [], seenAgain: [] };
    for (const f of found) {
      const identity = entryIdentity(f.match.entry);
      const hitId = this.deps.history.findRepeat(read.plate, read.cameraId, identity, read.lastSeen - window);
      if (hitId) split.seenAgain.push(hitId);
      else split.fresh.push(f);
    }
    return split;
  }

  /** The retrospective matches of a stored read that are new: a restart or a republished list must not repeat hits. */
  freshRetrospective(readId: string, found: FoundMatch[]): FoundMatch[] {
    const had = new Set(
      this.deps.history.entryJsonForRead(readId).map((json) => (JSON.parse(json) as { identity?: string }).identity),
    );
    return found.filter((f) => !had.has(entryIdentity(f.match.entry)));
  }
}
