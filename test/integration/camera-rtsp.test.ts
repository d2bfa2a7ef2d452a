import { FfmpegFrameSource } from '../../daemon/camera/ffmpeg-frame-source.js';
import type { Frame } from '../../daemon/camera/frame-source.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { testCamera, waitFor } from '../helpers/camera.js';
import { RtspTestServer, rtspServerAvailability } from '../helpers/rtsp-server.js';
import { announceSkip } from '../helpers/skip.js';

const avail = rtspServerAvailability();
if (!avail.ok) announceSkip('RTSP camera tests', avail.reason);
const maybe = avail.ok ? describe : describe.skip;

maybe('FfmpegFrameSource against a real RTSP server (gst-rtsp-server)', () => {
  let server: RtspTestServer | null = null;
  let src: FfmpegFrameSource | null = null;
  afterEach(async () => {
    await src?.stop();
    await server?.stop();
    src = null;
    server = null;
  });

  test('decodes the looping clip over RTSP/TCP into 1280x720 frames at the configured rate', async () => {
    server = await RtspTestServer.start();
    // Not a stall test (see camera-file-source.test.ts): a busy CI machine must not turn a slow start into a restart.
    src = new FfmpegFrameSource(
      testCamera({ id: 'rtsp', url: server.url, fps: 5, width: 1280, height: 720, stall_timeout_s: 30 }),
      { log: silentLogger() },
    );
    const frames: Frame[] = [];
    await src.start(async (f) => void frames.push(f), new AbortController().signal);
    await waitFor(() => frames.length >= 15, 12_000, '15 frames over RTSP');
    expect(frames.every((f) => f.data.length === 1280 * 720 * 3)).toBe(true);
    // paced like a live camera, not decoded as fast as possible: 10 frames at 5 fps span ~2 s
    // (the upper bound is loose: a busy machine delays frames, but 1 fps would still show)
    const span = frames[14]!.ts - frames[4]!.ts;
    expect(span).toBeGreaterThan(1500);
    expect(span).toBeLessThan(5000);
    expect(src.stats()).toMatchObject({ connected: true, restarts: 0 });
  });

  test('when the server is cut for a while, the supervisor reconnects with backoff and frames resume', async () => {
    server = await RtspTestServer.start();
    src = new FfmpegFrameSource(
      testCamera({ id: 'cut', url: server.url, stall_timeout_s: 4, backoff_initial_s: 0.25, backoff_max_s: 1 }),
      { log: silentLogger() },
    );
    let frames = 0;
    await src.start(async () => void frames++, new AbortController().signal);
    await waitFor(() => frames >= 3, 10_000, 'first frames');
    await server.stop();
    await waitFor(() => !src!.stats().connected, 6_000, 'the source to notice the cut');
    // while down, connection attempts fail and back off (0.25, 0.5, 1, 1 s ...)
    await waitFor(
      () => src!.stats().restarts >= 2 && src!.stats().failures >= 2,
      15_000,
      'two failed reconnect attempts while the server is down',
    );
    expect(src.stats().connected).toBe(false);
    const before = frames;
    await server.start();
    await waitFor(() => frames >= before + 5, 12_000, 'frames after the server came back');
    expect(src.stats().connected).toBe(true);
  });
});
