import { jest } from '@jest/globals';
import type { Frame } from '../camera/frame-source.js';
import { FrameMailbox } from '../camera/frame-mailbox.js';
import { cameraSchema } from '../config/camera-schema.js';
import { systemClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import type { Box, RgbImage } from '../vision/image.js';
import type { AnalyzedPlate, FrameAnalyzer } from '../vision/ports.js';
import { CameraPipeline, type ReadSink } from './camera-pipeline.js';
import { pipelineConfigSchema } from './config.js';
import type { PlateRead } from '../store/plate-read.js';
import { plate } from './test-helpers.js';

const W = 320;
const H = 180;
const T0 = Date.UTC(2026, 0, 5, 8);

/**
 * A camera on the fake clock: a frame every 1000/fps ms, through the real one-slot mailbox (the
 * newest frame waits while one is analysed, older ones are dropped), as FfmpegFrameSource does.
 */
class FakeCamera {
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  readonly mailbox: FrameMailbox<Frame>;
  constructor(
    onFrame: (f: Frame) => Promise<void>,
    private readonly fps: number,
    private readonly shotAt: ShotTimes,
  ) {
    this.mailbox = new FrameMailbox(onFrame, (err) => {
      throw err;
    });
  }
  start(): void {
    this.timer = setInterval(() => {
      const data = new Uint8Array(W * H * 3).fill(this.seq % 255);
      this.shotAt.set(data, Date.now());
      this.mailbox.put({ cameraId: 'front', seq: this.seq++, ts: Date.now(), width: W, height: H, data });
    }, 1000 / this.fps);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** Capture time of each frame's pixels, so the analyser knows what the camera showed. */
type ShotTimes = WeakMap<Uint8Array, number>;

/** An analyser that takes `ms(call)` of (fake) time per frame and sees what `scene(t)` holds at the frame's capture time. */
class SlowAnalyzer implements FrameAnalyzer {
  calls = 0;
  constructor(
    private readonly shotAt: ShotTimes,
    private readonly ms: (call: number) => number,
    private readonly scene: (t: number) => AnalyzedPlate[],
  ) {}
  async analyze(image: RgbImage, _roi?: Box): Promise<AnalyzedPlate[]> {
    const t = this.shotAt.get(image.data)!;
    await new Promise((r) => setTimeout(r, this.ms(this.calls++)));
    return this.scene(t - T0);
  }
  async close(): Promise<void> {}
}

/** One car crossing the picture from 1 s to 7 s of the test, read the same way in every frame. */
function oneCar(t: number): AnalyzedPlate[] {
  if (t < 1000 || t > 7000) return [];
  const k = (t - 1000) / 6000;
  return [plate('ABC1234', 0.97, { x: 20 + 200 * k, y: 100, w: 60 + 20 * k, h: 20 })];
}

function collect(): ReadSink & { reads: PlateRead[] } {
  const reads: PlateRead[] = [];
  return { reads, accept: async (r) => void reads.push(r) };
}

/** Lets the real (threadpool) JPEG encoding of finished reads complete while fake time stands still. */
async function settle(until: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!until() && performance.now() < deadline) await new Promise((r) => setImmediate(r));
}

describe('camera pipeline timing on a busy CPU', () => {
  const camera = cameraSchema.parse({ id: 'front', name: 'Front', url: 'rtsp://cam/1', fps: 2 });
  const config = pipelineConfigSchema.parse({ motion_threshold: 0 });

  beforeEach(() => {
    jest.useFakeTimers({ now: T0, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask', 'performance'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('stores one read per vehicle pass when each frame takes two to three frame intervals to analyse', async () => {
    const sink = collect();
    const shotAt: ShotTimes = new WeakMap();
    const analyzer = new SlowAnalyzer(shotAt, (call) => [1000, 1250, 1500][call % 3]!, oneCar);
    const p = new CameraPipeline(camera, config, analyzer, sink, systemClock, silentLogger());
    const cam = new FakeCamera(p.onFrame, camera.fps, shotAt);
    p.start();
    cam.start();
    await jest.advanceTimersByTimeAsync(12_000);
    cam.stop();
    await jest.advanceTimersByTimeAsync(5_000);
    await settle(() => sink.reads.length > 0);
    await p.stop();
    expect(analyzer.calls).toBeGreaterThan(6);
    expect(sink.reads.map((r) => [r.text, r.frames > 1])).toEqual([['ABC1234', true]]);
  });

  it('never ends a track while a frame is in analysis, and ends it once frames stop coming', async () => {
    const sink = collect();
    const shotAt: ShotTimes = new WeakMap();
    // The third frame takes 6 s, four times the track timeout; the car is in view throughout.
    const analyzer = new SlowAnalyzer(
      shotAt,
      (call) => (call === 2 ? 6000 : 100),
      (t) => (t < 20_000 ? [plate('ABC1234', 0.97, { x: 40, y: 100, w: 60, h: 20 })] : []),
    );
    const p = new CameraPipeline(camera, config, analyzer, sink, systemClock, silentLogger());
    const cam = new FakeCamera(p.onFrame, camera.fps, shotAt);
    p.start();
    cam.start();
    await jest.advanceTimersByTimeAsync(1600);
    expect(analyzer.calls).toBe(3);
    await jest.advanceTimersByTimeAsync(5000);
    await settle(() => sink.reads.length > 0, 500);
    expect(sink.reads).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(2000);
    // The stream ends with the car still in view: no frame for the timeout finalises its read.
    cam.stop();
    await jest.advanceTimersByTimeAsync(config.track_timeout_s * 1000 + 600);
    await settle(() => sink.reads.length > 0);
    expect(sink.reads).toHaveLength(1);
    expect(sink.reads[0]!.frames).toBeGreaterThan(3);
    await p.stop();
    expect(sink.reads).toHaveLength(1);
  });
});
