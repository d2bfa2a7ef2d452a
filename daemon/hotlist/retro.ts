import type { ReadCursor, ReadPageRepository } from '../store/read-pages.js';
import type { ActiveList } from './active-list.js';
import type { RecordedHit, RetroHitSink } from './hit.js';
import { normalizePlate } from './normalize.js';
import type { Matcher } from './matcher.js';
import { nextTurn } from '../shared/turns.js';

/**
 * Stored reads scanned per page. A page is read, matched and its hits recorded in one synchronous
 * stretch (so the purge cannot remove a read between its match and its hit), about 10 ms of CPU
 * on the project's machine; between pages the daemon gives the event loop a turn.
 */
export const READS_PER_PAGE = 1000;

/**
 * Retrospective hits: new entries, indexed alone in `list.matcher`, are matched against
 * the reads stored from `from` to `now`, and each match is recorded as a hit marked retrospective.
 * The scan reads only the columns it needs and pulls a crop only for a hit. It goes page by page in
 * (last_seen, rowid) order on the time index, and yields after each page: no iterator stays open
 * (better-sqlite3 cannot write while one is), and a caller on the daemon's main thread awaits a
 * turn of the event loop there (runScanYielding). A read stored meanwhile is matched live
 * against the new entries, which are in use before the scan starts; a hit is never raised twice
 * for one read and entry (HitDecider.freshRetrospective).
 */
export function* scanStoredReads(
  reads: ReadPageRepository,
  recorder: RetroHitSink,
  list: ActiveList,
  from: number,
  now: number,
  pageSize = READS_PER_PAGE,
): Generator<void, RecordedHit[]> {
  const out: RecordedHit[] = [];
  let after: ReadCursor = [from, 0];
  for (;;) {
    const rows = reads.after(after, now, pageSize);
    for (const r of rows) {
      const matches = list.matcher.match(normalizePlate(r.plate), r.state, now);
      if (matches.length === 0) continue;
      out.push(
        ...recorder.recordRetrospective(
          r,
          matches.map((match) => ({ match, list })),
        ),
      );
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return out;
    after = [last.lastSeen, last.rowid];
    yield;
  }
}

/** Runs a scan to its end at once (the CLI, where nothing else waits on the thread). */
export function runScan(scan: Generator<void, RecordedHit[]>): RecordedHit[] {
  for (;;) {
    const step = scan.next();
    if (step.done) return step.value;
  }
}

/** Runs a scan with a turn of the event loop between pages (the daemon: alerts keep flowing meanwhile). */
export async function runScanYielding(scan: Generator<void, RecordedHit[]>): Promise<RecordedHit[]> {
  for (;;) {
    const step = scan.next();
    if (step.done) return step.value;
    await nextTurn();
  }
}

/**
 * The scan of `matcher` (new entries, indexed alone) against the reads of the last `windowMs`, to
 * run with runScan or runScanYielding.
 */
export function* retroMatchEntries(
  reads: ReadPageRepository,
  recorder: RetroHitSink,
  matcher: Matcher,
  list: Omit<ActiveList, 'matcher'>,
  windowMs: number,
  now: number,
): Generator<void, RecordedHit[]> {
  if (matcher.size === 0) return [];
  return yield* scanStoredReads(reads, recorder, { ...list, matcher }, now - windowMs, now);
}
