import { randomUUID } from 'node:crypto';
import { isStorageError, type Db } from '../store/database.js';
import { HitStore, type NewHit } from '../store/hits.js';
import { ReadStore } from '../store/reads.js';
import { transactionsOn, type Transactions } from '../store/transactions.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { entryIdentity } from '../hotlist/entry.js';
import type { HitDecider } from '../hotlist/hit-decider.js';
import type { CameraInfo, FoundMatch, ReadForMatching, RecordedHit, RetroHitSink } from '../hotlist/hit.js';
import type { Outbox } from './outbox.js';
import type { Topics } from './topics.js';
import { buildHitPayload, buildReadPayload } from './payloads.js';

/** A hit built but not yet written: its row, its message, and what the caller is told. */
export interface PreparedHit {
  hit: NewHit;
  topic: string;
  payload: string;
  recorded: RecordedHit;
}

export interface HitRecorderDeps {
  db: Db;
  /** Which reads hit (hotlist/): the recorder records and delivers what it decides. */
  decider: Pick<HitDecider, 'match' | 'splitRepeats' | 'freshRetrospective'>;
  outbox: Pick<Outbox, 'append' | 'notify'>;
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
}

/**
 * Records each hit the decider finds with its outbox message in ONE transaction (a hit is never
 * stored without its message, nor sent without being stored), and queues every read on the reads
 * topic when mqtt.publish_reads is on. The no-hit path is only the match, a few microseconds, so
 * the pipeline can call `onRead` inline right after it stores the read.
 */
export class HitRecorder implements RetroHitSink {
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

  /**
   * Called by the pipeline inside the read's transaction, after the read is stored. Returns the
   * hits it recorded (usually none). A storage error is thrown on, so the read and its hits go to
   * the in-memory path together; any other failure is logged and the read kept.
   */
  onRead(read: ReadForMatching, camera?: CameraInfo): RecordedHit[] {
    try {
      return this.recordLive(read, camera);
    } catch (err) {
      // The disk, not the data: the read cannot be stored either, and both go the in-memory way.
      if (isStorageError(err)) throw err;
      // Called inside the pipeline's read transaction: a throw would roll the read back too.
      // Keeping the read (evidence, retention, later retro-matching) matters more; say so loudly.
      this.deps.log.error({ read: read.id, err: (err as Error).message }, 'hit recording failed; the read is kept');
      return [];
    }
  }

  private recordLive(read: ReadForMatching, camera: CameraInfo | undefined): RecordedHit[] {
    const now = this.deps.clock.now();
    const found = this.deps.decider.match(read, now);
    if (this.deps.publishReads) this.queueRead(read, camera, now);
    if (found.length === 0) return [];
    const { fresh, seenAgain } = this.deps.decider.splitRepeats(read, found);
    for (const hitId of seenAgain) {
      this.hits.touch(hitId, read.lastSeen);
      this.deps.log.info({ hit: hitId, read: read.id, camera: read.cameraId }, 'hotlist hit seen again');
    }
    if (fresh.length === 0) return [];
    return this.record(read, camera, fresh, false, now);
  }

  /** The active lists' matches for a read: memory only, so it works when the disk does not. */
  match(read: Pick<ReadForMatching, 'plate' | 'state'>, now = this.deps.clock.now()): FoundMatch[] {
    return this.deps.decider.match(read, now);
  }

  /**
   * Records retrospective hits of a read against matches found by the retro matcher; skips an
   * entry the read already hit (a restart or a republished list must not repeat hits).
   */
  recordRetrospective(read: ReadForMatching, found: FoundMatch[]): RecordedHit[] {
    const fresh = this.deps.decider.freshRetrospective(read.id, found);
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
