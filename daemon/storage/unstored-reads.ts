import type { DirectPublisher } from '../alerts/mqtt-publisher.js';
import type { CameraConfig } from '../config/camera-schema.js';
import type { HitRecorder, PreparedHit } from '../alerts/hit-recorder.js';
import type { ReadForMatching } from '../hotlist/hit.js';
import type { PlateRead } from '../store/plate-read.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { isStorageError } from '../store/database.js';
import type { Transactions } from '../store/transactions.js';
import type { ReadStore } from '../store/reads.js';

/** What of the low-space guard the queue uses. */
export interface WriteHealth {
  cropsAllowed(): boolean;
  noteWriteFailed(err: Error & { code?: string }): void;
  noteWriteOk(): void;
}

export interface UnstoredReadsDeps {
  /** The read and its hits commit together. */
  tx: Transactions;
  reads: ReadStore;
  recorder: Pick<HitRecorder, 'match' | 'prepareHits' | 'store' | 'announce'>;
  /** Wakes the outbox publisher after hits are stored (Outbox.notify). */
  notifyOutbox: () => void;
  /** Undefined when MQTT is off: hits then wait in memory until they can be stored. */
  publisher: DirectPublisher | undefined;
  guard: WriteHealth | undefined;
  clock: Clock;
  log: Logger;
  /** storage.unstored_max_reads. */
  maxReads: number;
  /** storage.check_interval_s, in ms: how often stores and sends are retried. */
  retryMs: number;
  /** How long stop() waits for hits in flight to the broker (mqtt.stop_drain_s). */
  stopWaitMs: number;
}

interface PendingHit {
  prepared: PreparedHit;
  /** The broker acknowledged it: stored later without an outbox row, so it is not sent twice. */
  sent: boolean;
  inFlight: boolean;
  /** "hotlist hit" logged (once sent or stored, whichever comes first). */
  announced: boolean;
}

interface PendingRead {
  read: PlateRead;
  camera: CameraConfig;
  hits: PendingHit[];
}

/**
 * Reads that could not be stored (disk full, I/O error) wait here instead of being lost. Each is
 * matched against the hotlists in memory, and its hits go straight to the broker (QoS 1), so
 * dispatch hears of a hit while the disk is full. Every storage.check_interval_s the queue tries
 * to write its reads again, oldest first, with their hits; a hit the broker already acknowledged
 * is stored without an outbox row (not sent twice), one not yet sent gets its row as usual. The
 * queue is bounded: past storage.unstored_max_reads the oldest read without a hit goes, logged.
 */
export class UnstoredReads {
  private readonly queue: PendingRead[] = [];
  private episode: { since: number; kept: number; dropped: number; hitsDropped: number } | null = null;
  private loop: Promise<void> | undefined;
  private stopCtl: AbortController | undefined;

  /** Stores its dependencies. */
  constructor(private readonly deps: UnstoredReadsDeps) {}

  get size(): number {
    return this.queue.length;
  }

  start(signal: AbortSignal): void {
    this.stopCtl = new AbortController();
    const stop = AbortSignal.any([signal, this.stopCtl.signal]);
    this.loop = (async () => {
      while (!stop.aborted) {
        await this.deps.clock.sleep(this.deps.retryMs, stop);
        if (!stop.aborted) this.flush();
      }
    })();
  }

  /**
   * Tries a last time to store what waits and to send its unsent hits (up to stopWaitMs); what is
   * still only in memory then is lost with the process, and said so in the log.
   */
  async stop(): Promise<void> {
    this.stopCtl?.abort();
    await this.loop;
    if (this.queue.length === 0) return;
    this.flush();
    const { clock } = this.deps;
    const until = clock.now() + this.deps.stopWaitMs;
    while (
      this.queue.some((p) => p.hits.some((h) => !h.sent)) &&
      this.deps.publisher?.connected &&
      clock.now() < until
    ) {
      for (const p of this.queue) for (const h of p.hits) this.send(h, p.camera.id);
      await clock.sleep(20);
      this.flush();
    }
    if (this.queue.length === 0) return;
    const hits = this.queue.flatMap((p) => p.hits);
    this.deps.log.error(
      {
        reads: this.queue.length,
        read_ids: this.queue.map((p) => p.read.id),
        hits: hits.length,
        hits_sent: hits.filter((h) => h.sent).length,
        hits_unsent: hits.filter((h) => !h.sent).map((h) => h.prepared.hit.id),
      },
      'stopping with reads that could not be stored; they are lost',
    );
  }

  /** A read whose transaction failed: match it in memory, send its hits, keep it for a later write. */
  keep(read: PlateRead, camera: CameraConfig, err: Error): void {
    const { clock, log, recorder } = this.deps;
    const now = clock.now();
    if (isStorageError(err)) this.deps.guard?.noteWriteFailed(err as Error & { code: string });
    const input = forMatching(read, camera);
    let hits: PendingHit[] = [];
    try {
      const found = recorder.match(input, now);
      hits = recorder
        .prepareHits(input, { id: camera.id, name: camera.name }, found, false, now)
        .map((prepared) => ({ prepared, sent: false, inFlight: false, announced: false }));
    } catch (e) {
      log.error(
        { read: read.id, err: (e as Error).message },
        'hotlist match failed for a read that could not be stored',
      );
    }
    this.episode ??= { since: now, kept: 0, dropped: 0, hitsDropped: 0 };
    this.episode.kept++;
    this.queue.push({ read, camera, hits });
    log.debug(
      { read: read.id, camera: camera.id, hits: hits.length, err: (err as { code?: string }).code ?? err.message },
      'read kept in memory',
    );
    this.trim();
    for (const h of hits) this.send(h, camera.id);
  }

  /** Writes what it can, oldest first, and sends hits still unsent. Stops at the first storage error. */
  flush(): void {
    const { tx, reads, recorder, clock, log, guard } = this.deps;
    let stored = 0;
    for (const p of [...this.queue]) {
      // Wait for a send's outcome first: storing meanwhile could queue a hit the broker then also gets.
      if (p.hits.some((h) => h.inFlight)) continue;
      const now = clock.now();
      try {
        tx.run(() => {
          if (!reads.has(p.read.id))
            reads.insert(p.read, p.camera.location, now, { withCrop: guard?.cropsAllowed() ?? true });
          recorder.store(
            p.hits.map((h) => h.prepared),
            now,
            new Set(p.hits.filter((h) => h.sent).map((h) => h.prepared.hit.id)),
          );
        });
      } catch (err) {
        if (isStorageError(err)) {
          guard?.noteWriteFailed(err as Error & { code: string });
          break;
        }
        // Not the disk: this read will never be stored. Its hits were sent or are named here.
        this.remove(p);
        log.error(
          {
            read: p.read.id,
            err: (err as Error).message,
            hits_unsent: p.hits.filter((h) => !h.sent).map((h) => h.prepared.hit.id),
          },
          'read kept in memory cannot be stored; dropped',
        );
        continue;
      }
      this.remove(p);
      stored++;
      const fresh = p.hits.filter((h) => !h.announced);
      for (const h of fresh) h.announced = true;
      recorder.announce(
        fresh.map((h) => h.prepared.recorded),
        p.camera.id,
        { stored_late: true },
      );
    }
    if (stored > 0) {
      this.deps.notifyOutbox();
      guard?.noteWriteOk();
    }
    for (const p of this.queue) for (const h of p.hits) this.send(h, p.camera.id);
    if (this.queue.length === 0 && this.episode) {
      const e = this.episode;
      this.episode = null;
      log.info(
        {
          reads: e.kept - e.dropped,
          dropped: e.dropped,
          hits_dropped: e.hitsDropped,
          waited_s: Math.round((clock.now() - e.since) / 1000),
        },
        'reads kept in memory are stored',
      );
    }
  }

  private send(h: PendingHit, cameraId: string): void {
    const publisher = this.deps.publisher;
    if (h.sent || h.inFlight || !publisher?.connected) return;
    h.inFlight = true;
    void publisher.publishNow(h.prepared.topic, h.prepared.payload).then((ok) => {
      h.inFlight = false;
      if (!ok) return;
      h.sent = true;
      if (h.announced) return;
      h.announced = true;
      this.deps.recorder.announce([h.prepared.recorded], cameraId, { stored: false, sent: true });
    });
  }

  /** Keeps the queue bounded: the oldest read without a hit goes first, then one whose hits were all sent. */
  private trim(): void {
    while (this.queue.length > this.deps.maxReads) {
      let i = this.queue.findIndex((p) => p.hits.length === 0);
      if (i < 0) i = this.queue.findIndex((p) => p.hits.every((h) => h.sent));
      if (i < 0) i = 0;
      const gone = this.queue[i]!;
      this.remove(gone);
      const unsent = gone.hits.filter((h) => !h.sent);
      const e = this.episode!;
      e.dropped++;
      e.hitsDropped += unsent.length;
      if (e.dropped === 1 || unsent.length > 0) {
        this.deps.log.error(
          {
            read: gone.read.id,
            camera: gone.camera.id,
            max_reads: this.deps.maxReads,
            hits_unsent: unsent.map((h) => h.prepared.hit.id),
            dropped_so_far: e.dropped,
          },
          'storage failing and the in-memory queue is full: read dropped (further drops are counted)',
        );
      }
    }
  }

  private remove(p: PendingRead): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
  }
}

function forMatching(read: PlateRead, camera: CameraConfig): ReadForMatching {
  return {
    id: read.id,
    cameraId: read.cameraId,
    plate: read.text,
    state: read.state,
    confidence: read.confidence,
    lastSeen: read.lastSeen,
    locationText: camera.location.text,
    lat: camera.location.lat ?? null,
    lon: camera.location.lon ?? null,
    cropJpeg: read.cropJpeg,
  };
}
