/**
 * A camera as a FrameSource: one supervised ffmpeg child decoding the camera URL to rgb24 at the
 * configured rate and size, frames cut from its stdout, handed to the pipeline through a one-slot
 * mailbox (a slow pipeline drops and counts frames instead of queueing them). Each camera has its
 * own process, supervisor and mailbox, so one camera failing never touches another.
 */
import type { CameraConfig } from '../config/camera-schema.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { buildFfmpegArgs, classifyUrl, frameBytes } from './ffmpeg-args.js';
import { resolveFfmpegPath } from './ffmpeg-path.js';
import { FrameAssembler } from './frame-assembler.js';
import { FrameMailbox } from './frame-mailbox.js';
import type { Frame, FrameSource, FrameSourceStats } from './frame-source.js';
import { nodeProcessSpawner, type ProcessSpawner } from './process-port.js';
import { FfmpegSupervisor, type SupervisorStats } from './supervisor.js';

export type FfmpegCamera = Pick<
  CameraConfig,
  | 'id'
  | 'url'
  | 'fps'
  | 'width'
  | 'height'
  | 'loop'
  | 'realtime'
  | 'stall_timeout_s'
  | 'backoff_initial_s'
  | 'backoff_max_s'
>;

export interface FfmpegFrameSourceDeps {
  /** Parent logger; the source logs as `{component: 'camera', camera: id}`. */
  log: Logger;
  clock?: Clock;
  spawner?: ProcessSpawner;
  /** ffmpeg binary; default: resolveFfmpegPath() (system first, npm fallback). */
  ffmpegPath?: string;
  /** A run with frames for this long resets the backoff. Default 30 s. */
  healthyAfterMs?: number;
  /** SIGTERM to SIGKILL grace on stop/stall. Default 3 s. */
  stopGraceMs?: number;
}

export interface FfmpegFrameSourceStats extends FrameSourceStats {
  phase: SupervisorStats['phase'];
  failures: number;
  lastExit: string | null;
}

export class FfmpegFrameSource implements FrameSource {
  readonly cameraId: string;
  private supervisor: FfmpegSupervisor | null = null;
  private mailbox: FrameMailbox<Frame> | null = null;
  private framesIn = 0;
  private seq = 0;
  private readonly log: Logger;
  private resolveEnded!: () => void;
  /** Resolves when a play-once file source (loop: false) has delivered its last frame. Live sources never end. */
  readonly ended: Promise<void> = new Promise((r) => (this.resolveEnded = r));

  /** Stores dependencies only; ffmpeg starts in `start`. */
  constructor(
    private readonly camera: FfmpegCamera,
    private readonly deps: FfmpegFrameSourceDeps,
  ) {
    this.cameraId = camera.id;
    this.log = deps.log.child({ component: 'camera', camera: camera.id });
  }

  /**
   * Starts ffmpeg and returns without waiting for the stream: a camera that is down is retried
   * in the background and shows as `connected: false` in stats(). Throws only for a bad URL or a
   * missing ffmpeg (config problems, worth refusing to start over).
   */
  async start(onFrame: (frame: Frame) => Promise<void>, signal: AbortSignal): Promise<void> {
    if (this.supervisor) throw new Error(`camera ${this.cameraId} already started`);
    const clock = this.deps.clock ?? systemClock;
    const c = this.camera;
    const args = buildFfmpegArgs(c);
    const command = this.deps.ffmpegPath ?? resolveFfmpegPath();
    const size = frameBytes(c);
    this.mailbox = new FrameMailbox<Frame>(onFrame, (err) =>
      this.log.error({ err }, 'frame handler failed; frame skipped'),
    );
    const mailbox = this.mailbox;
    this.supervisor = new FfmpegSupervisor({
      spawner: this.deps.spawner ?? nodeProcessSpawner,
      clock,
      log: this.log,
      command,
      args,
      stopGraceMs: this.deps.stopGraceMs,
      policy: {
        stallTimeoutMs: c.stall_timeout_s * 1000,
        backoffInitialMs: c.backoff_initial_s * 1000,
        backoffMaxMs: c.backoff_max_s * 1000,
        healthyAfterMs: this.deps.healthyAfterMs ?? 30_000,
        restartOnCleanExit: classifyUrl(c.url).kind !== 'file' || c.loop,
      },
      onFinished: () => void mailbox.drained().then(() => this.resolveEnded()),
      onSpawn: () => {
        const assembler = new FrameAssembler(size);
        return (chunk) =>
          assembler.push(chunk, (data) => {
            this.framesIn++;
            mailbox.put({ cameraId: c.id, seq: this.seq++, ts: clock.now(), width: c.width, height: c.height, data });
          });
      },
    });
    if (signal.aborted) return;
    this.supervisor.start(signal);
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** Stops ffmpeg (SIGTERM, then SIGKILL) and waits for the frame in hand to finish. */
  async stop(): Promise<void> {
    await this.supervisor?.stop();
    await this.mailbox?.close();
  }

  stats(): FfmpegFrameSourceStats {
    const s = this.supervisor?.stats();
    return {
      framesIn: this.framesIn,
      framesDropped: this.mailbox?.dropped ?? 0,
      restarts: s?.restarts ?? 0,
      connected: s?.connected ?? false,
      lastFrameAt: s?.lastFrameAt ?? null,
      phase: s?.phase ?? 'stopped',
      failures: s?.failures ?? 0,
      lastExit: s?.lastExit ?? null,
    };
  }

  /** ffmpeg's last stderr lines (credentials stripped), for diagnostics and health reports. */
  stderrTail(): string[] {
    return this.supervisor?.stderrTail() ?? [];
  }
}

/** Factory form for main.ts's camera registry. */
export function createFfmpegFrameSource(camera: FfmpegCamera, deps: FfmpegFrameSourceDeps): FrameSource {
  return new FfmpegFrameSource(camera, deps);
}
