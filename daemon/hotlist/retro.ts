import type { Db } from '../store/database.js';
import type { ActiveList } from './active-list.js';
import type { HitRecorder, RecordedHit } from './hit-recorder.js';
import { normalizePlate } from './normalize.js';
import type { Matcher } from './matcher.js';

interface RetroRow {
  id: string; camera_id: string; plate: string; state: string | null; confidence: number; last_seen: number;
  location_text: string; lat: number | null; lon: number | null;
}

/**
 * Retrospective hits (issue 3): new entries, indexed alone in `list.matcher`, are matched against
 * the reads stored since `from`, and each match is recorded as a hit marked retrospective. The
 * scan reads only the columns it needs and pulls a crop only for a hit.
 */
export function matchStoredReads(db: Db, recorder: HitRecorder, list: ActiveList, from: number, now: number): RecordedHit[] {
  const out: RecordedHit[] = [];
  const rows = db
    .prepare('SELECT id, camera_id, plate, state, confidence, last_seen, location_text, lat, lon FROM reads WHERE last_seen >= ? ORDER BY last_seen')
    .iterate(from) as IterableIterator<RetroRow>;
  const pending: { read: RetroRow; matches: ReturnType<ActiveList['matcher']['match']> }[] = [];
  for (const r of rows) {
    const matches = list.matcher.match(normalizePlate(r.plate), r.state, now);
    if (matches.length) pending.push({ read: r, matches });
  }
  // Recorded after the scan: better-sqlite3 cannot write while an iterator is open on the connection.
  for (const { read: r, matches } of pending) {
    out.push(
      ...recorder.recordRetrospective(
        { id: r.id, cameraId: r.camera_id, plate: r.plate, state: r.state, confidence: r.confidence, lastSeen: r.last_seen,
          locationText: r.location_text, lat: r.lat, lon: r.lon },
        matches.map((match) => ({ match, list })),
      ),
    );
  }
  return out;
}

/** Matches `matcher` (new entries, indexed alone) against the reads of the last `windowMs`. */
export function retroMatchEntries(
  db: Db,
  recorder: HitRecorder,
  matcher: Matcher,
  list: Omit<ActiveList, 'matcher'>,
  windowMs: number,
  now: number,
): RecordedHit[] {
  if (matcher.size === 0) return [];
  return matchStoredReads(db, recorder, { ...list, matcher }, now - windowMs, now);
}
