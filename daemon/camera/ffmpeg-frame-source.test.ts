import { ManualClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { FfmpegFrameSource, type FfmpegCamera } from './ffmpeg-frame-source.js';
import type { Frame } from './frame-source.js';
import { FakeSpawner, settle } from './testing/fake-process.js';

const camera: FfmpegCamera = {
  id: 'front',
  url: 'rtsp://127.0.0.1:8554/cam',
  fps: 5,
  width: 4,
  height: 2,
  loop: false,
  realtime: true,
  stall_timeout_s: 20,
  backoff_initial_s: 1,
  backoff_max_s: 60,
};
const FRAME = 4 * 2 * 3;

function setup() {
  const clock = new ManualClock(5_000);
  const spawner = new FakeSpawner();
  const src = new FfmpegFrameSource(camera, { log: silentLogger(), clock, spawner, ffmpegPath: '/usr/bin/ffmpeg' });
  return { clock, spawner, src };
}

describe('FfmpegFrameSource (fake ffmpeg)', () => {
  test('turns the byte stream into numbered frames of the configured size', async () => {
    const { spawner, src } = setup();
    const frames: Frame[] = [];
    await src.start(async (f) => void frames.push(f), new AbortController().signal);
    await settle();
    expect(spawner.calls[0]!.args).toContain('rtsp://127.0.0.1:8554/cam');
    spawner.last.stdout(Buffer.alloc(FRAME + 10, 7));
    await settle();
    spawner.last.stdout(Buffer.alloc(FRAME - 10, 7));
    await settle();
    expect(frames.map((f) => [f.cameraId, f.seq, f.width, f.height, f.data.length, f.ts])).toEqual([
      ['front', 0, 4, 2, FRAME, 5_000],
      ['front', 1, 4, 2, FRAME, 5_000],
    ]);
    expect(src.stats()).toMatchObject({ framesIn: 2, framesDropped: 0, connected: true, restarts: 0 });
    await src.stop();
  });

  test('drops and counts frames that arrive while the consumer is busy', async () => {
    const { spawner, src } = setup();
    let release!: () => void;
    const seen: number[] = [];
    await src.start(async (f) => {
      seen.push(f.seq);
      if (f.seq === 0) await new Promise<void>((r) => (release = r));
    }, new AbortController().signal);
    await settle();
    spawner.last.stdout(Buffer.alloc(FRAME * 6));
    expect(src.stats()).toMatchObject({ framesIn: 6, framesDropped: 4 });
    release();
    await settle();
    expect(seen).toEqual([0, 5]);
    await src.stop();
  });

  test('a partial frame from a dead ffmpeg is not glued to the next run', async () => {
    const { spawner, src, clock } = setup();
    const frames: Frame[] = [];
    await src.start(async (f) => void frames.push(f), new AbortController().signal);
    await settle();
    spawner.last.stdout(Buffer.alloc(FRAME - 1, 1));
    spawner.last.exit(1);
    await settle();
    clock.advance(1_000);
    await settle();
    expect(spawner.children).toHaveLength(2);
    spawner.last.stdout(Buffer.alloc(1, 2));
    expect(frames).toHaveLength(0);
    spawner.last.stdout(Buffer.alloc(FRAME - 1, 2));
    await settle();
    expect(frames).toHaveLength(1);
    expect(frames[0]!.data.every((b) => b === 2)).toBe(true);
    expect(src.stats().restarts).toBe(1);
    await src.stop();
  });

  test('aborting the start signal stops ffmpeg', async () => {
    const { spawner, src } = setup();
    const ac = new AbortController();
    await src.start(async () => {}, ac.signal);
    await settle();
    ac.abort();
    await src.stop();
    expect(spawner.last.signals).toContain('SIGTERM');
    expect(src.stats().phase).toBe('stopped');
  });
});
