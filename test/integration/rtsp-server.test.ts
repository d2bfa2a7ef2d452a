import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveFfmpegPath } from '../../daemon/camera/ffmpeg-path.js';
import { RtspTestServer, rtspServerAvailability } from '../helpers/rtsp-server.js';
import { announceSkip } from '../helpers/skip.js';

const run = promisify(execFile);
const avail = rtspServerAvailability();
if (!avail.ok) announceSkip('RTSP server tests', avail.reason);
const maybe = avail.ok ? describe : describe.skip;

/** Decodes `n` frames from the URL with ffmpeg and returns how many came out. */
async function grabFrames(url: string, n: number): Promise<number> {
  const { stdout } = await run(
    resolveFfmpegPath(),
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-rtsp_transport',
      'tcp',
      '-i',
      url,
      '-frames:v',
      String(n),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      '-s',
      '160x90',
      'pipe:1',
    ],
    { encoding: 'buffer', timeout: 15_000, maxBuffer: 1 << 24 },
  );
  return stdout.length / (160 * 90);
}

maybe('scripts/rtsp-server.py via the test helper', () => {
  let server: RtspTestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  test('serves the drive-by clip so ffmpeg decodes frames over RTSP/TCP', async () => {
    server = await RtspTestServer.start();
    expect(server.port).toBeGreaterThan(0);
    expect(await grabFrames(server.url, 3)).toBe(3);
  });

  test('comes back on the same port and URL after being stopped', async () => {
    server = await RtspTestServer.start();
    const url = server.url;
    await server.stop();
    expect(server.running).toBe(false);
    await expect(grabFrames(url, 1)).rejects.toThrow();
    await server.start();
    expect(server.url).toBe(url);
    expect(await grabFrames(url, 2)).toBe(2);
  });
});
