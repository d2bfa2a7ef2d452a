import { createReadStream, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { FfmpegFrameSource } from '../../daemon/camera/ffmpeg-frame-source.js';
import type { Frame } from '../../daemon/camera/frame-source.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { DRIVE_BY_CLIP } from '../helpers/rtsp-server.js';
import { testCamera, waitFor } from '../helpers/camera.js';

/** A local port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('FfmpegFrameSource with real ffmpeg on files, HTTP and dead cameras', () => {
  test('decodes the whole drive-by clip once into frames of the configured size, then ends', async () => {
    // Not a stall test: on a CI machine busy with the model tests, ffmpeg's first frame has taken
    // over the helpers' 5-s stall timeout, and a stall restart would fail `restarts: 0` below.
    const src = new FfmpegFrameSource(
      testCamera({ id: 'file', url: DRIVE_BY_CLIP, fps: 5, width: 640, height: 360, stall_timeout_s: 30 }),
      { log: silentLogger() },
    );
    const frames: Frame[] = [];
    await src.start(async (f) => void frames.push(f), new AbortController().signal);
    await src.ended;
    await src.stop();
    // 14.6 s at 5 fps; ffmpeg's fps filter may round the last frame either way
    expect(frames.length).toBeGreaterThanOrEqual(72);
    expect(frames.length).toBeLessThanOrEqual(74);
    expect(frames.every((f) => f.width === 640 && f.height === 360 && f.data.length === 640 * 360 * 3)).toBe(true);
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(src.stats()).toMatchObject({ framesDropped: 0, restarts: 0, lastExit: 'end of file' });
    // not a blank picture: the sky (top) is brighter and bluer than the road (bottom centre)
    const f = frames[10]!.data;
    const px = (x: number, y: number) => [...f.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3)];
    expect(px(320, 10)[2]!).toBeGreaterThan(px(200, 340)[2]! + 30);
  });

  test('a slow consumer sees frames dropped and counted, never a queue', async () => {
    const src = new FfmpegFrameSource(
      testCamera({ id: 'slow', url: DRIVE_BY_CLIP, fps: 12, width: 320, height: 180 }),
      { log: silentLogger() },
    );
    let handled = 0;
    await src.start(async () => {
      handled++;
      await new Promise((r) => setTimeout(r, 150));
    }, new AbortController().signal);
    await src.ended;
    await src.stop();
    const s = src.stats();
    expect(s.framesIn).toBeGreaterThanOrEqual(174);
    expect(s.framesDropped).toBeGreaterThan(s.framesIn / 2);
    expect(handled + s.framesDropped).toBe(s.framesIn);
  });

  test('a camera that never answers keeps retrying and does not disturb a camera that reads', async () => {
    const port = await closedPort();
    const dead = new FfmpegFrameSource(
      testCamera({
        id: 'dead',
        url: `rtsp://user:pw@127.0.0.1:${port}/nothing`,
        backoff_initial_s: 0.2,
        backoff_max_s: 0.4,
      }),
      { log: silentLogger() },
    );
    const live = new FfmpegFrameSource(
      testCamera({ id: 'live', url: DRIVE_BY_CLIP, realtime: true, loop: true, fps: 5 }),
      { log: silentLogger() },
    );
    const ac = new AbortController();
    let liveFrames = 0;
    await dead.start(async () => {}, ac.signal);
    await live.start(async () => void liveFrames++, ac.signal);
    await waitFor(
      () => dead.stats().restarts >= 3 && liveFrames >= 10,
      12_000,
      'dead camera retries and live camera frames',
    );
    ac.abort();
    await Promise.all([dead.stop(), live.stop()]);
    expect(dead.stats()).toMatchObject({ framesIn: 0, connected: false });
    expect(dead.stats().lastExit).toMatch(/exit code/);
    expect(dead.stderrTail().join('\n')).toMatch(/Connection refused/i);
    expect(dead.stderrTail().join('\n')).not.toContain('pw@');
    expect(live.stats().restarts).toBe(0);
  });

  test('reads a clip served over HTTP', async () => {
    const http = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': statSync(DRIVE_BY_CLIP).size });
      createReadStream(DRIVE_BY_CLIP).pipe(res);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    const src = new FfmpegFrameSource(testCamera({ id: 'http', url: `http://127.0.0.1:${port}/clip.mp4`, fps: 2 }), {
      log: silentLogger(),
    });
    let frames = 0;
    await src.start(async () => void frames++, new AbortController().signal);
    await waitFor(() => frames >= 5, 10_000, 'frames over HTTP');
    await src.stop();
    await new Promise<void>((r) => http.close(() => r()));
    expect(src.stats().restarts).toBe(0);
  });

  test('a camera that accepts the connection but never answers is killed after the stall timeout and retried', async () => {
    const sockets: Socket[] = [];
    const blackhole = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    const port = (blackhole.address() as { port: number }).port;
    const src = new FfmpegFrameSource(
      testCamera({ id: 'mute', url: `rtsp://127.0.0.1:${port}/x`, stall_timeout_s: 2, backoff_initial_s: 0.2 }),
      {
        log: silentLogger(),
        stopGraceMs: 1000,
      },
    );
    await src.start(async () => {}, new AbortController().signal);
    await waitFor(() => src.stats().restarts >= 1 && sockets.length >= 2, 8_000, 'a reconnect after the stall timeout');
    await src.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => blackhole.close(() => r()));
    expect(src.stats().lastExit).toBe('no_first_frame');
    expect(sockets.length).toBeGreaterThanOrEqual(2);
  });
});
