import type { CameraConfig } from '../config/camera-schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Db } from '../store/database.js';
import type { ReadStore, StoredRead } from '../store/reads.js';
import type { ReadSink } from './camera-pipeline.js';
import type { PlateRead } from './plate-read.js';

/** Called inside the read's transaction, so a read and the hits it raises commit together. */
export type OnReadStored = (read: StoredRead, camera: CameraConfig) => void;

/** Stores each finished read (with its crop) and lets the hotlist match it in the same transaction. */
export class StoringReadSink implements ReadSink {
  constructor(
    private readonly db: Db,
    private readonly reads: ReadStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: { logPlates: boolean; onStored?: OnReadStored },
  ) {}

  async accept(read: PlateRead, camera: CameraConfig): Promise<void> {
    this.db.transaction(() => {
      this.reads.insert(read, camera.location, this.clock.now());
      const stored = this.reads.get(read.id)!;
      this.options.onStored?.(stored, camera);
    })();
    this.log.info(
      {
        camera: camera.id,
        read_id: read.id,
        ...(this.options.logPlates ? { plate: read.text, state: read.state } : {}),
        confidence: Number(read.confidence.toFixed(3)),
        frames: read.frames,
        seen_ms: read.lastSeen - read.firstSeen,
      },
      'plate read',
    );
  }
}
