import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.js';
import { HitStore, type NewHit } from '../store/hits.js';
import { ReadStore } from '../store/reads.js';
import { transactionsOn, type Transactions } from '../store/transactions.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Outbox } from '../alerts/outbox.js';
import type { Topics } from '../alerts/topics.js';
import { buildHitPayload, buildReadPayload } from '../alerts/payloads.js';
import type { ActiveList, ActiveListProvider } from './active-list.js';
import { entryIdentity } from './entry.js';
import type { Match } from './matcher.js';
import { normalizePlate } from './normalize.js';
import type { PositionStatus, ReadPosition } from '../position/fix.js';

/** The part of a stored read the recorder needs (StoredRead has all of it; cropJpeg is optional). */
export interface ReadForMatching {
  id: string;
  cameraId: string;
  plate: string;
  state: string | null;
  confidence: number;
  lastSeen: number;
  locationText?: string | undefined;
  lat?: number | null | undefined;
  lon?: number | null | undefined;
  /** Where the read was made (StoredRead.position); when absent, lat/lon stand in. */
  position?: ReadPosition | null | undefined;
  positionStatus?: PositionStatus | null | undefined;
  /** The plate crop; when absent the recorder loads it from `read_crops` (only for a hit). */
  cropJpeg?: Uint8Array | undefined;
}

export interface CameraInfo {
  id: string;
  name: string;
}

export interface RecordedHit {
  hitId: string;
  readId: string;
  match: Match;
  list: { sourceId: string; versionId: string; ageS: number; stale: boolean };
  retrospective: boolean;
}

/** One active list's match for a read. */
export interface FoundMatch {
  match: Match;
  list: ActiveList;
}

/** A hit built but not yet written: its row, its message, and what the caller is told. */
export interface PreparedHit {
  hit: NewHit;
  topic: string;
  payload: string;
  recorded: RecordedHit;
}

export interface HitRecorderDeps {
  db: Db;
  lists: ActiveListProvider;
  outbox: Outbox;
  topics: Topics;
  unitId: string;
  clock: Clock;
  log: Logger;
  /** Lists older than this are flagged stale on the hit (hotlists.stale_after_h). */
  staleAfterMs: number;
  /** Put the crop in the hit message (mqtt.include_crop). */
  includeCrop: boolean;
  /** Also queue every read on the reads topic (mqtt.publish_reads). */
  publishReads?: boolean;
  /** Camera names for retrospective hits, which know only the camera id. */
  cameraName?: (cameraId: string) => string;
  /** hotlists.repeat_window_s in ms; absent or 0: every matching read is a new hit. */
  repeatWindowMs?: number;
}

/**
 * Matches each read against the active lists and records every hit with its outbox message in
 * ONE transaction (a hit is never stored without its message, nor sent without being
 * stored). The no-hit path is only the match, a few microseconds, so the pipeline can call
 * `onRead` inline right after it stores the read.
 */
export class HitRecorder {
  private readonly hits: HitStore;
  private readonly reads: ReadStore;
  private readonly transactions: Transactions;
  private readonly listeners = new Set<(hits: readonly RecordedHit[], cameraId: string) => void>();

  /** Stores its dependencies and prepares its statements (store/hits.ts, store/reads.ts); no other I/O. */
  constructor(private readonly deps: HitRecorderDeps) {
    this.hits = new HitStore(deps.db);
    this.reads = new ReadStore(deps.db);
    this.transactions = transactionsOn(deps.db);
  }

  /** Called by the pipeline after the read is stored. Returns the hits it recorded (usually none). */
  onRead(read: ReadForMatching, camera?: CameraInfo): RecordedHit[] {
    const now = this.deps.clock.now();
    const found = this.match(read, now);
    if (this.deps.publishReads) this.queueRead(read, camera, now);
    if (found.length === 0) return [];
    const fresh = this.foldRepeats(read, found);
    if (fresh.length === 0) return [];
    return this.record(read, camera, fresh, false, now);
  }

  /**
   * One vehicle pass, one alert: a match whose plate hit the same entry at the same camera within
   * the repeat window (a pass the tracker split, a car waiting in view) updates that hit's last
   * sighting instead of raising another. Returns the matches that are new hits.
   */
  private foldRepeats(
    read: ReadForMatching,
    found: { match: Match; list: ActiveList }[],
  ): { match: Match; list: ActiveList }[] {
    const window = this.deps.repeatWindowMs ?? 0;
    if (window <= 0) return found;
    const fresh: { match: Match; list: ActiveList }[] = [];
    for (const f of found) {
      const identity = entryIdentity(f.match.entry);
      const hitId = this.hits.findRepeat(read.plate, read.cameraId, identity, read.lastSeen - window);
      if (!hitId) {
        fresh.push(f);
        continue;
      }
      this.hits.touch(hitId, read.lastSeen);
      this.deps.log.info({ hit: hitId, read: read.id, camera: read.cameraId }, 'hotlist hit seen again');
    }
    return fresh;
  }

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
   * Records retrospective hits of a read against matches found by the retro matcher; skips an
   * entry the read already hit (a restart or a republished list must not repeat hits).
   */
  recordRetrospective(read: ReadForMatching, found: FoundMatch[]): RecordedHit[] {
    const had = new Set(
      this.hits.entryJsonForRead(read.id).map((json) => (JSON.parse(json) as { identity?: string }).identity),
    );
    const fresh = found.filter((f) => !had.has(entryIdentity(f.match.entry)));
    if (fresh.length === 0) return [];
    return this.record(read, undefined, fresh, true, this.deps.clock.now());
  }

  private record(
    read: ReadForMatching,
    camera: CameraInfo | undefined,
    found: FoundMatch[],
    retrospective: boolean,
    now: number,
  ): RecordedHit[] {
    const crop = this.deps.includeCrop ? (read.cropJpeg ?? this.reads.crop(read.id)) : undefined;
    const prepared = this.prepareHits(
      { ...read, ...this.positionOf(read), cropJpeg: crop },
      camera,
      found,
      retrospective,
      now,
    );
    // Nested in the pipeline's read transaction this is a savepoint; either way the hit and its
    // message commit together. notify() is safe even before the outer commit: the publisher only
    // runs on a later tick, after this synchronous transaction has finished.
    this.store(prepared, now);
    this.deps.outbox.notify();
    const recorded = prepared.map((p) => p.recorded);
    // Inside the caller's transaction the hit is durable only once that commits: the caller
    // announces it then (a journal must not show a hit that was never stored nor sent).
    if (!this.transactions.inTransaction()) this.announce(recorded, read.cameraId);
    return recorded;
  }

  /**
   * Builds each hit's id, row and message without touching SQLite: the crop comes from the read
   * only. The full-disk path publishes these straight to the broker and stores them later.
   */
  prepareHits(
    read: ReadForMatching,
    camera: CameraInfo | undefined,
    found: FoundMatch[],
    retrospective: boolean,
    now: number,
  ): PreparedHit[] {
    const cam = camera ?? { id: read.cameraId, name: this.deps.cameraName?.(read.cameraId) ?? read.cameraId };
    const crop = this.deps.includeCrop ? (read.cropJpeg ?? null) : null;
    return found.map(({ match, list }) => {
      const e = match.entry;
      const ageS = Math.max(0, Math.round((now - list.asOf) / 1000));
      const stale = now - list.asOf > this.deps.staleAfterMs;
      const hitId = randomUUID();
      const payload = buildHitPayload({
        hitId,
        readId: read.id,
        unitId: this.deps.unitId,
        readAt: read.lastSeen,
        createdAt: now,
        camera: cam,
        location: { text: read.locationText ?? '', lat: read.lat ?? null, lon: read.lon ?? null },
        position: read.position,
        positionStatus: read.positionStatus,
        plate: read.plate,
        state: read.state,
        stateConfirmed: match.stateConfirmed,
        confidence: read.confidence,
        matchKind: match.kind,
        retrospective,
        entry: {
          plate: e.plate,
          state: e.state,
          category: e.category,
          reason: e.reason,
          source: e.source,
          nic: e.nic,
          case_number: e.caseNumber,
          expires: e.expires,
          priority: e.priority,
          notes: e.notes,
        },
        list: { source: list.sourceId, version: list.versionId, ageS, stale },
        cropJpeg: crop,
      });
      return {
        topic: this.deps.topics.hits,
        payload: JSON.stringify(payload),
        hit: {
          id: hitId,
          readId: read.id,
          createdAt: now,
          cameraId: read.cameraId,
          plate: read.plate,
          state: read.state,
          category: e.category,
          reason: e.reason,
          entryJson: JSON.stringify({ ...e, identity: entryIdentity(e), list_source: list.sourceId }),
          matchKind: match.kind,
          stateConfirmed: match.stateConfirmed,
          retrospective,
          listVersion: list.versionId,
          listAgeS: ageS,
        },
        recorded: {
          hitId,
          readId: read.id,
          match,
          list: { sourceId: list.sourceId, versionId: list.versionId, ageS, stale },
          retrospective,
        },
      };
    });
  }

  /**
   * Writes prepared hits with the outbox rows of those not in `sent` (already acknowledged by the
   * broker), in one transaction: a savepoint inside the caller's. Call `outbox.notify()` after.
   */
  store(prepared: readonly PreparedHit[], now: number, sent: ReadonlySet<string> = new Set()): void {
    this.transactions.run(() => {
      for (const p of prepared) {
        this.hits.insert(p.hit);
        if (sent.has(p.hit.id)) continue;
        this.deps.outbox.append({ kind: 'hit', refId: p.hit.id, topic: p.topic, payload: p.payload, qos: 1 }, now);
      }
    });
  }

  /**
   * Calls `f` with the hits of each announcement (live, retrospective and those sent while the
   * disk was full), once they are durable or sent; e.g. the metrics' hit counters. A throwing
   * listener is logged and the rest still run. Returns the unsubscribe.
   */
  onAnnounce(f: (hits: readonly RecordedHit[], cameraId: string) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Logs each hit, once it is durable (stored) or in the broker's hands (sent). */
  announce(hits: readonly RecordedHit[], cameraId: string, extra: Record<string, unknown> = {}): void {
    for (const f of this.listeners) {
      try {
        f(hits, cameraId);
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'hit listener failed');
      }
    }
    for (const h of hits) {
      this.deps.log.info(
        {
          hit: h.hitId,
          read: h.readId,
          camera: cameraId,
          category: h.match.entry.category,
          match_kind: h.match.kind,
          state_confirmed: h.match.stateConfirmed,
          retrospective: h.retrospective,
          list: h.list.sourceId,
          list_age_s: h.list.ageS,
          ...extra,
        },
        'hotlist hit',
      );
    }
  }

  /** The read's position; loaded from the store for a read that comes without one (a retrospective hit). */
  private positionOf(read: ReadForMatching): Pick<ReadForMatching, 'position' | 'positionStatus'> {
    if (read.position !== undefined) return { position: read.position, positionStatus: read.positionStatus };
    const stored = this.reads.get(read.id);
    return stored ? { position: stored.position, positionStatus: stored.positionStatus } : {};
  }

  private queueRead(read: ReadForMatching, camera: CameraInfo | undefined, now: number): void {
    const payload = buildReadPayload({
      readId: read.id,
      unitId: this.deps.unitId,
      readAt: read.lastSeen,
      camera: camera ?? { id: read.cameraId, name: this.deps.cameraName?.(read.cameraId) ?? read.cameraId },
      location: { text: read.locationText ?? '', lat: read.lat ?? null, lon: read.lon ?? null },
      position: read.position,
      positionStatus: read.positionStatus,
      plate: read.plate,
      state: read.state,
      confidence: read.confidence,
    });
    this.deps.outbox.append(
      { kind: 'read', refId: read.id, topic: this.deps.topics.reads, payload: JSON.stringify(payload), qos: 1 },
      now,
    );
    this.deps.outbox.notify();
  }
}
