import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { DaemonProcess, ROOT, waitUntil } from '../helpers/daemon.js';
import { DRIVE_BY_CLIP } from '../helpers/rtsp-server.js';
import { announceSkip } from '../helpers/skip.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';

const reason = haveMosquitto() ? '' : '/usr/sbin/mosquitto is not installed (apt install mosquitto)';
if (reason) announceSkip('daemon stop with a vehicle in view', reason);
const maybe = reason ? describe.skip : describe;
const FIXTURE = join(ROOT, 'test', 'fixtures', 'fake-analyzer-daemon.ts');

maybe('SIGTERM with a vehicle in view (real daemon process, real Mosquitto)', () => {
  const broker = new TestBroker();
  let daemon: DaemonProcess | undefined;
  let sub: mqtt.MqttClient | undefined;
  beforeAll(() => broker.start());
  afterAll(async () => {
    daemon?.cleanup();
    await sub?.endAsync();
    await broker.dispose();
  });

  it('finalises the vehicle, stores its read and hit, and dispatch receives the hit before the process exits', async () => {
    const hotlist = join(broker.dir, 'hotlist.csv');
    writeFileSync(
      hotlist,
      'plate,state,category,reason,source,nic,entered,expires,priority,notes\nHOT1234,,stolen_vehicle,Stolen,CBI,V1,2026-01-01,,1,\n',
    );
    const hits: { id: string; plate: string; at: number }[] = [];
    sub = mqtt.connect(broker.url, { clientId: 'dispatch-stop' });
    sub.on('message', (_t, payload) => hits.push({ ...JSON.parse(payload.toString()), at: Date.now() }));
    await new Promise<void>((r) => sub!.once('connect', () => r()));
    await sub.subscribeAsync('alpr/stop1/hits', { qos: 1 });

    daemon = DaemonProcess.start(
      `
unit: { id: stop1 }
storage: { path: $STATE }
hotlists:
  sources: [{ id: cbi, format: csv, file: ${hotlist} }]
mqtt: { enabled: true, url: ${broker.url}, reconnect_s: 0.5 }
pipeline: { max_track_s: 600, motion_threshold: 0 }
cameras:
  - id: road
    name: Road
    url: ${DRIVE_BY_CLIP}
    loop: true
    fps: 5
    location: { text: Test road, lat: 39.74, lon: -105.51 }
`,
      { FAKE_PLATE: 'HOT1234' },
      FIXTURE,
    );
    let exitedAt = 0;
    daemon.child.once('exit', () => {
      exitedAt = Date.now();
    });
    // The plate has been in view for a while (its track open) and the unit is connected.
    await waitUntil(
      () => /ANALYZED (1\d|[2-9]\d)\b/.test(daemon!.stderr) && daemon!.logs.some((l) => l.msg === 'mqtt connected'),
      60_000,
      `frames analysed with the plate in view (stderr: ${daemon.stderr.slice(-300)})`,
    );
    expect(daemon.query('SELECT id FROM reads')).toHaveLength(0);
    expect(hits).toHaveLength(0);

    const exit = await daemon.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(hits.map((h) => h.plate)).toEqual(['HOT1234']);
    expect(hits[0]!.at).toBeLessThanOrEqual(exitedAt);
    const stored = daemon.query<{ id: string; plate: string }>(
      'SELECT h.id, r.plate FROM hits h JOIN reads r ON r.id = h.read_id',
    );
    expect(stored).toEqual([{ id: hits[0]!.id, plate: 'HOT1234' }]);
    expect(daemon.query('SELECT seq FROM outbox')).toHaveLength(0);
    expect(daemon.logs.find((l) => l.msg === 'outbox sent before stop')).toMatchObject({ left: 0 });
    expect(daemon.logs.some((l) => l.msg === 'hotlist hit')).toBe(true);
  }, 120_000);
});
