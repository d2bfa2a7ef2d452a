import { randomUUID } from 'node:crypto';
import type { Frame } from '../camera/frame-source.js';
import type { CameraConfig } from '../config/camera-schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { FrameAnalyzer } from '../vision/ports.js';
import type { PipelineConfig } from './config.js';
import { cropJpeg } from './crop.js';
import { MotionGate } from './motion-gate.js';
import type { PlateRead } from '../store/plate-read.js';
import { judgeRead, readRule, type ReadRule } from './read-rule.js';
import { Tracker, type Track } from './tracker.js';
import { vote } from './vote.js';

/** Where finished reads go (main.ts: store, then hotlist match). */
export interface ReadSink {
  accept(read: PlateRead, camera: CameraConfig): Promise<void>;
}

export interface PipelineStats {
  framesSeen: number;
  framesAnalyzed: number;
  framesSkippedNoMotion: number;
  reads: number;
  readsBelowConfidence: number;
  /** Passes whose text could not be a plate (read-rule.ts). */
  readsNotPlateShaped: number;
  /** Passes seen in one frame only and read less surely than pipeline.single_frame_confidence. */
  readsUnconfirmed: number;
  lastDetectMs: number;
  lastReadMs: number;
  errors: number;
}

/**
 * One camera's frames → reads: motion gate, detection + reading (off-thread, in the analyzer),
 * tracking, and a vote when a vehicle leaves. `onFrame` is awaited by the frame source, so while
 * a frame is being analysed the source drops newer ones instead of queueing them.
 */
export class CameraPipeline {
  private readonly gate: MotionGate;
  private readonly tracker: Tracker;
  private readonly rule: ReadRule;
  /** No frame for this long (wall clock, none in analysis) means the stream stalled or ended. */
  private readonly stallMs: number;
  private stopTicker: (() => void) | null = null;
  private pending: Promise<void> = Promise.resolve();
  private analysing = false;
  /** When the last frame was handled (clock time); frames still coming keep the tracks open. */
  private lastFrameAt = 0;
  readonly stats: PipelineStats = {
    framesSeen: 0,
    framesAnalyzed: 0,
    framesSkippedNoMotion: 0,
    reads: 0,
    readsBelowConfidence: 0,
    readsNotPlateShaped: 0,
    readsUnconfirmed: 0,
    lastDetectMs: 0,
    lastReadMs: 0,
    errors: 0,
  };

  constructor(
    private readonly camera: CameraConfig,
    private readonly config: PipelineConfig,
    private readonly analyzer: FrameAnalyzer,
    private readonly sink: ReadSink,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** The stored-read rule; by default without a plate-shape prior (main.ts passes the configured one). */
    rule?: ReadRule,
  ) {
    this.gate = new MotionGate(config.motion_threshold);
    this.tracker = new Tracker({
      iouMatch: config.iou_match,
      timeoutMs: config.track_timeout_s * 1000,
      maxTrackMs: config.max_track_s * 1000,
    });
    this.rule = rule ?? readRule(config.single_frame_confidence);
    // A camera slower than the timeout is not stalled between two of its frames.
    this.stallMs = Math.max(config.track_timeout_s * 1000, 3000 / camera.fps);
  }

  /**
   * Starts the timer that finalises vehicles when frames stop coming (a stalled or ended stream).
   * It never ends a track while a frame is in analysis: on a busy CPU the frame in hand may be
   * the one that continues it, and tracks are timed by the frames analysed (Tracker.update).
   */
  start(): void {
    this.lastFrameAt = this.clock.now();
    this.stopTicker = this.clock.every(Math.max(100, this.stallMs / 3), () => this.finishIfStalled());
  }

  /** Finalises every vehicle in view and waits for their reads to be stored. */
  async stop(): Promise<void> {
    this.stopTicker?.();
    this.stopTicker = null;
    this.finish(this.tracker.flush());
    await this.pending;
  }

  readonly onFrame = async (frame: Frame): Promise<void> => {
    this.analysing = true;
    try {
      await this.handle(frame);
    } finally {
      this.analysing = false;
      this.lastFrameAt = this.clock.now();
    }
  };

  private finishIfStalled(): void {
    if (this.analysing || this.tracker.active === 0) return;
    if (this.clock.now() - this.lastFrameAt < this.stallMs) return;
    this.log.debug({ idle_ms: this.clock.now() - this.lastFrameAt }, 'no frames; finalising the vehicles in view');
    this.finish(this.tracker.flush());
  }

  private async handle(frame: Frame): Promise<void> {
    this.stats.framesSeen++;
    const image = { width: frame.width, height: frame.height, data: frame.data };
    // While a plate is in view every frame counts, motion or not (a car waiting at a light).
    if (this.tracker.active === 0 && !this.gate.check(image)) {
      this.stats.framesSkippedNoMotion++;
      return;
    }
    if (this.tracker.active > 0) this.gate.check(image);
    const roi = this.camera.roi;
    let plates: Awaited<ReturnType<FrameAnalyzer['analyze']>>;
    try {
      // The analyzer leaves `image` intact (FrameAnalyzer contract), so its pixels stay
      // available for the evidence crop of the best sighting.
      // The analyzer detects inside the region of interest and answers in frame pixels.
      plates = await this.analyzer.analyze(image, roi);
    } catch (err) {
      this.stats.errors++;
      this.log.error({ err: (err as Error).message }, 'frame analysis failed');
      // A frame that cannot be analysed counts as one without plates, or a failing analyser
      // would keep every track open.
      this.finish(this.tracker.expire(frame.ts));
      return;
    }
    this.stats.framesAnalyzed++;
    if (plates[0]?.timing) {
      this.stats.lastDetectMs = plates[0].timing.detectMs;
      this.stats.lastReadMs = plates[0].timing.readMs;
    }
    const ended = this.tracker.update(
      frame.ts,
      plates.map((plate) => ({ ts: frame.ts, plate, frame: image })),
    );
    if (ended.length) this.finish(ended);
  }

  private finish(tracks: Track[]): void {
    for (const t of tracks) {
      this.pending = this.pending
        .then(() => this.emit(t))
        .catch((err: unknown) => {
          this.stats.errors++;
          this.log.error({ err: (err as Error).message }, 'could not finalise a read');
        });
    }
  }

  private async emit(track: Track): Promise<void> {
    if (track.sightings.length < this.config.min_frames) return;
    const result = vote(
      track.sightings.map((s) => s.plate),
      this.config.best_crops,
    );
    if (!result) return;
    if (result.confidence < this.config.min_confidence) {
      this.stats.readsBelowConfidence++;
      this.log.debug({ plate: result.text, confidence: result.confidence }, 'read below confidence threshold dropped');
      return;
    }
    const verdict = judgeRead({ ...result, frames: track.sightings.length }, this.rule);
    if (!verdict.keep) {
      if (verdict.reason === 'not_plate_shaped') this.stats.readsNotPlateShaped++;
      else this.stats.readsUnconfirmed++;
      this.log.debug(
        { plate: result.text, confidence: result.confidence, frames: track.sightings.length, reason: verdict.reason },
        'read dropped',
      );
      return;
    }
    const best = track.best;
    const { jpeg } = await cropJpeg(best.frame, best.plate.box);
    const read: PlateRead = {
      id: randomUUID(),
      cameraId: this.camera.id,
      text: result.text,
      confidence: result.confidence,
      alternatives: result.alternatives,
      state: result.state,
      firstSeen: track.firstSeen,
      lastSeen: track.lastSeen,
      bestSeen: best.ts,
      frames: track.sightings.length,
      cropJpeg: jpeg,
      box: best.plate.box,
      frameWidth: best.frame.width,
      frameHeight: best.frame.height,
    };
    this.stats.reads++;
    await this.sink.accept(read, this.camera);
  }
}
