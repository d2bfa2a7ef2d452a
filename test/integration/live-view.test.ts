import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { AuditedAccess } from '../../daemon/access/audited-access.js';
import { resolveFfmpegPath } from '../../daemon/camera/ffmpeg-path.js';
import { cameraSchema } from '../../daemon/config/camera-schema.js';
import { FrameTap } from '../../daemon/live/frame-tap.js';
import { LiveViews } from '../../daemon/live/live-views.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { RtspTestServer, rtspServerAvailability } from '../helpers/rtsp-server.js';
import { announceSkip } from '../helpers/skip.js';
import { addUser, tempDb } from '../policy/fixture.js';
import { launchChromium, noChromium } from '../helpers/browser.js';

/**
 * Live view with real parts: the bundled clip from a real RTSP server, the daemon's relay (one
 * ffmpeg, MPEG-1 over a same-origin WebSocket) and Debian's Chromium playing it with the page's
 * own player module (web/src/live-player.ts: JSMpeg's JavaScript decoder). The page is a minimal
 * one the test serves; the in-car page's live view runs the same module against the same relay.
 */
const root = join(import.meta.dirname, '..', '..');
const OUTPUT = join(root, 'test-output', 'live');

const rtsp = rtspServerAvailability();
if (!rtsp.ok) announceSkip('live view test', rtsp.reason);
else if (noChromium) announceSkip('live view test', noChromium);
const suite = rtsp.ok && !noChromium ? describe : describe.skip;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>live</title></head>
<body style="margin:0;background:#000"><canvas width="640" height="360"></canvas>
<script type="module" src="/player.js"></script></body></html>`;

/** The page's player module and a few lines that start it on the ws path in the page's address. */
const ENTRY = `import { playLive } from './live-player.ts';
const canvas = document.querySelector('canvas');
window.__frames = 0;
window.__player = playLive(location.origin.replace(/^http/, 'ws') + new URL(location.href).searchParams.get('ws'), canvas, () => { window.__frames++; });`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

suite('live view of a camera in a real browser', () => {
  let camera: RtspTestServer;
  let t: ReturnType<typeof tempDb>;
  let live: LiveViews;
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    camera = await RtspTestServer.start();
    t = tempDb();
    live = new LiveViews({
      cameras: [cameraSchema.parse({ id: 'front', name: 'Front', url: camera.url })],
      access: new AuditedAccess(t.db, systemClock),
      frames: new FrameTap(systemClock),
      ffmpegPath: resolveFfmpegPath(),
      clock: systemClock,
      log: silentLogger(),
    });
    live.service.start(new AbortController().signal);
    const bundle = await build({
      stdin: { contents: ENTRY, resolveDir: join(root, 'web', 'src'), loader: 'ts' },
      bundle: true,
      format: 'esm',
      target: 'chrome100',
      write: false,
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0]!.contents;
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      else if (path === '/player.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      else res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket, head) => {
      if (!live.upgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await live?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await camera?.stop();
    t?.close();
  });

  it("draws frames of the clip within 5 s, and the relay's ffmpeg is gone within 10 s after the page closes", async () => {
    const deputy = await addUser(t.db, 'deputy.ray', 'operator');
    const view = live.start('front', deputy, { category: 'patrol_operation', caseNumber: 'SHIFT-0412' });
    if (view.kind !== 'mpeg1') throw new Error(`expected the relay, got ${view.kind}`);
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    const t0 = performance.now();
    await page.goto(`${base}/?ws=${encodeURIComponent(view.ws_path)}`);
    await page.waitForFunction(() => ((globalThis as { __frames?: number }).__frames ?? 0) >= 3, null, {
      timeout: 5000,
    });
    const firstFrames = Math.round(performance.now() - t0);
    const shot = await page.locator('canvas').screenshot();
    const stats = await sharp(shot).stats();
    // A picture of the road (sky, asphalt, cars), not a blank or one-colour canvas.
    const stdev = Math.max(...stats.channels.map((c) => c.stdev));
    mkdirSync(OUTPUT, { recursive: true });
    const file = join(OUTPUT, 'live-view-canvas.png');
    await sharp(shot).toFile(file);
    console.log(
      `live view: 3 frames drawn ${firstFrames} ms after loading the page; canvas stdev ${stdev.toFixed(1)}; ${file}`,
    );
    expect(stdev).toBeGreaterThan(10);
    expect(errors).toEqual([]);

    const [relay] = live.relayStats();
    expect(relay).toMatchObject({ cameraId: 'front', viewers: 1 });
    const pid = relay!.pid!;
    expect(alive(pid)).toBe(true);

    const closedAt = performance.now();
    await page.close();
    await context.close();
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const gone = Math.round(performance.now() - closedAt);
    console.log(`relay ffmpeg (pid ${pid}) gone ${gone} ms after the page closed`);
    expect(alive(pid)).toBe(false);

    expect(new AuditLog(t.db).between(0, Date.now() + 1)).toEqual([
      expect.objectContaining({
        username: 'deputy.ray',
        action: 'search',
        outcome: 'allowed',
        query: expect.objectContaining({ kind: 'live_view', camera: 'front' }),
      }),
    ]);
  }, 60_000);
});
