import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RtspTestServer, rtspServerAvailability } from '../helpers/rtsp-server.js';
import { writeFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { DaemonProcess, ROOT, waitUntil } from '../helpers/daemon.js';
import { TestBroker, haveMosquitto } from './mosquitto.js';
import { announceSkip } from '../helpers/skip.js';

const truth = JSON.parse(readFileSync(join(ROOT, 'test-fixtures', 'drive-by.json'), 'utf8')) as {
  vehicles: { plate: string }[];
  duration_s: number;
};
const plates = truth.vehicles.map((v) => v.plate);
const rtsp = rtspServerAvailability();
const reason = !rtsp.ok
  ? rtsp.reason
  : !haveMosquitto()
    ? '/usr/sbin/mosquitto is not installed (apt install mosquitto)'
    : '';
if (reason) announceSkip('daemon RTSP end-to-end', reason);
const maybe = reason ? describe.skip : describe;
/** The clip's second car is on the test hotlist as stolen. */
const HOT = truth.vehicles[1]!.plate;

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
  const broker = new TestBroker();
  let subscriber: mqtt.MqttClient | undefined;

  beforeAll(async () => {
    server = await RtspTestServer.start();
    await broker.start();
  });
  afterAll(async () => {
    daemon?.cleanup();
    subscriber?.end(true);
    await server?.stop();
    await broker.dispose();
  });

  it('stores one read per vehicle of the clip, alerts dispatch of the hotlisted one, reconnects after the server is cut, and stops cleanly on SIGTERM', async () => {
    const dead = await closedPort();
    const hotlist = join(broker.dir, 'hotlist.csv');
    writeFileSync(
      hotlist,
      `plate,state,category,reason,source,nic,entered,expires,priority,notes\n${HOT},,stolen_vehicle,Stolen 2021 Subaru,CBI,V000000042,2026-01-01,,1,\n`,
    );
    const hits: { plate: string; category: string; verification: unknown; id: string }[] = [];
    subscriber = mqtt.connect(broker.url);
    subscriber.on('message', (_t, payload) => hits.push(JSON.parse(payload.toString())));
    await new Promise<void>((r) => subscriber!.subscribe('alpr/e2e/hits', { qos: 1 }, () => r()));
    daemon = DaemonProcess.start(`
unit: { id: e2e }
storage: { path: $STATE }
logging: { level: info, log_plates: true }
hotlists:
  sources: [{ id: test, format: csv, file: ${hotlist} }]
mqtt: { enabled: true, url: ${broker.url}, reconnect_s: 0.5 }
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
    location: { text: Nowhere, lat: 39.75, lon: -105.52 }
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
    // One read per vehicle pass: the server loops the clip, and the stream may begin anywhere in
    // it, so a plate read twice must be a lap apart, never twice in one pass.
    for (const p of plates) {
      const seen = lap1.filter((r) => r.plate === p).map((r) => r.first_seen);
      expect(seen.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < seen.length; i++)
        expect({ plate: p, gap_s: (seen[i]! - seen[i - 1]!) / 1000 > truth.duration_s * 0.6 }).toEqual({
          plate: p,
          gap_s: true,
        });
    }
    expect(lap1.every((r) => r.camera_id === 'road')).toBe(true);
    expect(lap1.filter((r) => !plates.includes(r.plate))).toEqual([]);
    const crop = daemon.query<{ n: number }>('SELECT length(jpeg) AS n FROM read_crops');
    expect(crop.every((c) => c.n > 1000)).toBe(true);

    // Dispatch hears of the hotlisted car over MQTT, marked unverified (policy 424.3(f)).
    await waitUntil(() => hits.some((h) => h.plate === HOT), 15_000, `an MQTT hit for ${HOT}`);
    const hit = hits.find((h) => h.plate === HOT)!;
    expect(hit.category).toBe('stolen_vehicle');
    expect(JSON.stringify(hit)).toMatch(/unverified/i);
    expect(hits.every((h) => h.plate === HOT)).toBe(true);

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
