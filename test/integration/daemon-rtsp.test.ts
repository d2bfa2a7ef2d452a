import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RtspTestServer, rtspServerAvailability } from '../helpers/rtsp-server.js';
import { DaemonProcess, ROOT, waitUntil } from '../helpers/daemon.js';

const truth = JSON.parse(readFileSync(join(ROOT, 'test-fixtures', 'drive-by.json'), 'utf8')) as {
  vehicles: { plate: string }[];
  duration_s: number;
};
const plates = truth.vehicles.map((v) => v.plate);
const rtsp = rtspServerAvailability();
if (!rtsp.ok) console.warn(`SKIPPED daemon RTSP end-to-end: ${rtsp.reason}`);
const maybe = rtsp.ok ? describe : describe.skip;

/** A local TCP port with nothing listening: a camera that never answers. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Row {
  plate: string;
  camera_id: string;
  first_seen: number;
  frames: number;
}

maybe('the daemon against a real RTSP camera', () => {
  let server: RtspTestServer;
  let daemon: DaemonProcess | undefined;

  beforeAll(async () => {
    server = await RtspTestServer.start();
  });
  afterAll(async () => {
    daemon?.cleanup();
    await server?.stop();
  });

  it('stores one read per vehicle of the clip, reconnects after the server is cut, and stops cleanly on SIGTERM', async () => {
    const dead = await closedPort();
    daemon = DaemonProcess.start(`
unit: { id: e2e }
storage: { path: $STATE }
logging: { level: info, log_plates: true }
cameras:
  - id: road
    name: Road (RTSP)
    url: ${server.url}
    fps: 5
    backoff_initial_s: 0.25
    backoff_max_s: 2
    stall_timeout_s: 5
    location: { text: Test road, lat: 39.74, lon: -105.51 }
  - id: dead
    name: Camera that never answers
    url: rtsp://127.0.0.1:${dead}/stream
    backoff_initial_s: 0.25
    backoff_max_s: 1
`);

    // Lap 1: every vehicle of the clip is read, once.
    const lap1 = await waitUntil(
      () => {
        const rows = daemon!.query<Row>('SELECT plate, camera_id, first_seen, frames FROM reads ORDER BY first_seen');
        return plates.every((p) => rows.some((r) => r.plate === p)) && rows;
      },
      90_000,
      `reads of ${plates.join(', ')} (daemon logs: ${JSON.stringify(daemon.logs.slice(-5))})`,
    );
    const lapEnd = lap1.find((r) => r.plate === plates[plates.length - 1])!.first_seen;
    const lap1Rows = lap1.filter((r) => r.first_seen <= lapEnd);
    for (const p of plates) expect(lap1Rows.filter((r) => r.plate === p)).toHaveLength(1);
    expect(lap1Rows.every((r) => r.camera_id === 'road' && r.frames >= 2)).toBe(true);
    const crop = daemon.query<{ n: number }>('SELECT length(jpeg) AS n FROM read_crops');
    expect(crop.every((c) => c.n > 1000)).toBe(true);

    // The camera goes away for a while, then comes back on the same URL.
    await server.stop();
    await new Promise((r) => setTimeout(r, 4000));
    const backAt = Date.now();
    await server.start();
    await waitUntil(
      () => daemon!.query<Row>('SELECT plate FROM reads WHERE first_seen > ?', backAt).length > 0,
      60_000,
      'a read after the RTSP server came back',
    );
    const restarts = daemon.logs.filter((l) => l.camera === 'road' && /ffmpeg (exited|started)/.test(l.msg));
    expect(restarts.length).toBeGreaterThan(1);

    // The dead camera kept retrying beside the live one without stopping it.
    expect(daemon.logs.some((l) => l.camera === 'dead' && l.level !== 'info')).toBe(true);

    const exit = await daemon.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(daemon.logs.some((l) => l.msg === 'stopped')).toBe(true);
    // Credentials and plate pictures never reach the log.
    expect(JSON.stringify(daemon.logs)).not.toMatch(/\/9j\/|jpeg":/);
  }, 180_000);
});
