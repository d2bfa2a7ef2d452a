import type { CameraConfig } from '../config/camera-schema.js';
import type { RecordedHit, ReadForMatching } from '../hotlist/hit.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Transactions } from '../store/transactions.js';
import type { ReadStore, StoredRead } from '../store/reads.js';
import type { ReadSink } from './camera-pipeline.js';
import type { PlateRead } from '../store/plate-read.js';

/** The hotlist side of a stored read. */
export interface SinkHits {
  /** Inside the read's transaction, so a read and the hits it raises commit together. */
  onStored(read: StoredRead & ReadForMatching, camera: CameraConfig): RecordedHit[];
  /** After the commit: the hits are durable now (the log says "hotlist hit" only from here). */
  onCommitted(hits: RecordedHit[], camera: CameraConfig): void;
}

/** Where a read goes when its transaction fails (UnstoredReads): matched, sent and kept in memory. */
export interface SinkFallback {
  keep(read: PlateRead, camera: CameraConfig, err: Error): void;
}

/** What of the low-space guard the sink asks and tells. */
export interface SinkStorage {
  cropsAllowed(): boolean;
  noteWriteOk(): void;
}

export interface StoringReadSinkOptions {
  logPlates: boolean;
  hits?: SinkHits;
  /** Without it a read that cannot be stored fails the call (the pipeline logs it). */
  unstored?: SinkFallback;
  storage?: SinkStorage;
}

/**
 * Stores each finished read (with its crop, unless the low-space guard refuses crops) and lets the
 * hotlist match it in the same transaction. A read that cannot be stored (disk full) is handed to
 * the fallback, which matches it in memory, sends its hits and writes it later: never dropped
 * silently.
 */
export class StoringReadSink implements ReadSink {
  constructor(
    private readonly tx: Transactions,
    private readonly reads: ReadStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: StoringReadSinkOptions,
  ) {}

  async accept(read: PlateRead, camera: CameraConfig): Promise<void> {
    const withCrop = this.options.storage?.cropsAllowed() ?? true;
    let hits: RecordedHit[] = [];
    try {
      this.tx.run(() => {
        this.reads.insert(read, camera.location, this.clock.now(), { withCrop });
        const stored = this.reads.get(read.id)!;
        // The crop rides along from memory: the hit message needs no read-back (and has it when crops are refused).
        hits = this.options.hits?.onStored({ ...stored, cropJpeg: read.cropJpeg }, camera) ?? [];
      });
    } catch (err) {
      if (!this.options.unstored) throw err;
      this.options.unstored.keep(read, camera, err as Error);
      this.logRead(read, camera, { stored: false });
      return;
    }
    this.options.storage?.noteWriteOk();
    this.options.hits?.onCommitted(hits, camera);
    this.logRead(read, camera, withCrop ? {} : { crop: 'refused' });
  }

  private logRead(read: PlateRead, camera: CameraConfig, extra: Record<string, unknown>): void {
    this.log.info(
      {
        camera: camera.id,
        read_id: read.id,
        ...(this.options.logPlates ? { plate: read.text, state: read.state } : {}),
        confidence: Number(read.confidence.toFixed(3)),
        frames: read.frames,
        seen_ms: read.lastSeen - read.firstSeen,
        ...extra,
      },
      'plate read',
    );
  }
}
