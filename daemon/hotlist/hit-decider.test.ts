import { ManualClock } from '../shared/clock.js';
import type { ActiveList } from './active-list.js';
import { entryIdentity, type HotlistEntry } from './entry.js';
import { HitDecider, type HitHistory } from './hit-decider.js';
import { Matcher } from './matcher.js';
import { hotEntry } from './test-support.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const entry = (plate: string, key = `cbi:${plate}`): HotlistEntry => hotEntry(plate, { key });
const list = (...entries: HotlistEntry[]): ActiveList => ({
  sourceId: 'cbi',
  versionId: 'cbi@v1',
  asOf: NOW,
  matcher: new Matcher(entries, { lenientCategories: [] }),
});

/** Hits already stored: `repeatOf` answers findRepeat, `entries` the snapshots of a read's hits. */
function history(opts: { repeatOf?: string; since?: number[]; entries?: HotlistEntry[] } = {}): HitHistory {
  return {
    findRepeat: (_plate, _camera, _identity, since) => {
      opts.since?.push(since);
      return opts.repeatOf;
    },
    entryJsonForRead: () => (opts.entries ?? []).map((e) => JSON.stringify({ ...e, identity: entryIdentity(e) })),
  };
}

describe('hit decider', () => {
  const clock = new ManualClock(NOW);
  const read = { id: 'r1', cameraId: 'front', plate: 'abc-1234', state: 'co', lastSeen: NOW };

  it('matches a read against every list in use, whatever its spelling of plate and state', () => {
    const lists = [list(entry('ABC1234')), { ...list(entry('ABC1234', 'ncic:1')), sourceId: 'ncic' }];
    const decider = new HitDecider({ lists: { activeLists: () => lists }, history: history(), clock });
    expect(decider.match(read).map((f) => [f.list.sourceId, f.match.kind])).toEqual([
      ['cbi', 'exact'],
      ['ncic', 'exact'],
    ]);
    expect(decider.match({ plate: 'ZZZ999', state: 'CO' })).toEqual([]);
  });

  it('treats a match within the repeat window as a sighting of the earlier hit, not a new one', () => {
    const since: number[] = [];
    const lists = [list(entry('ABC1234'))];
    const decider = new HitDecider({
      lists: { activeLists: () => lists },
      history: history({ repeatOf: 'hit-1', since }),
      clock,
      repeatWindowMs: 30_000,
    });
    expect(decider.splitRepeats(read, decider.match(read))).toEqual({ fresh: [], seenAgain: ['hit-1'] });
    expect(since).toEqual([NOW - 30_000]);
  });

  it('makes every match a new hit when the repeat window is off', () => {
    const lists = [list(entry('ABC1234'))];
    const decider = new HitDecider({
      lists: { activeLists: () => lists },
      history: history({ repeatOf: 'hit-1' }),
      clock,
    });
    const found = decider.match(read);
    expect(decider.splitRepeats(read, found)).toEqual({ fresh: found, seenAgain: [] });
  });

  it('does not raise a retrospective hit of an entry the read already hit', () => {
    const lists = [list(entry('ABC1234'), entry('ABC123*', 'cbi:partial'))];
    const decider = new HitDecider({
      lists: { activeLists: () => lists },
      history: history({ entries: [entry('ABC1234')] }),
      clock,
    });
    expect(decider.freshRetrospective('r1', decider.match(read)).map((f) => f.match.entry.plate)).toEqual(['ABC123*']);
  });
});
