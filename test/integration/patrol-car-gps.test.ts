/**
 * A patrol-car unit end to end with real parts: Debian's gpsd fed a generated NMEA log of a drive
 * by gpsfake, the real daemon reading the bundled clip on a mobile config, a real Mosquitto for
 * dispatch's view. Prints the position error figures (median and max metres).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { AuditedAccess } from '../../daemon/access/audited-access.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { openDatabase } from '../../daemon/store/database.js';
import { useAuditKey } from '../../daemon/store/audit-log.js';
import { readAuditKeyFile } from '../../daemon/audit/audit-key.js';
import { DaemonProcess, ROOT, waitUntil } from '../helpers/daemon.js';
import { FakeGpsd, freePort, gpsfakeAvailability } from '../helpers/gpsfake.js';
import { Drive, metresBetween } from '../helpers/nmea-drive.js';
import { announceSkip } from '../helpers/skip.js';
import { addUser } from '../policy/fixture.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';

const clip = JSON.parse(readFileSync(join(ROOT, 'test-fixtures', 'drive-by.json'), 'utf8')) as {
  vehicles: { plate: string }[];
};
const PLATES = clip.vehicles.map((v) => v.plate);
const HOT = PLATES[1]!;
const gpsd = gpsfakeAvailability();
const reason = !gpsd.ok
  ? gpsd.reason
  : !haveMosquitto()
    ? '/usr/sbin/mosquitto is not installed (apt install mosquitto)'
    : '';
if (reason) announceSkip('patrol-car GPS end-to-end', reason);
const maybe = reason ? describe.skip : describe;

/** The position error allowed against the drive's truth, metres. */
const TOLERANCE_M = 25;

interface ReadRow {
  id: string;
  plate: string;
  best_seen: number;
  lat: number | null;
  lon: number | null;
  fix_mode: string | null;
  fix_age_s: number | null;
  position_status: string;
  position_source: string | null;
}

interface Message {
  topic: string;
  body: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

maybe('a patrol-car unit with gpsd', () => {
  let daemon: DaemonProcess | undefined;
  let fake: FakeGpsd | undefined;
  const broker = new TestBroker();
  let sub: mqtt.MqttClient | undefined;

  beforeAll(() => broker.start());
  afterAll(async () => {
    await fake?.stop();
    sub?.end(true);
    daemon?.cleanup();
    await broker.dispose();
  });

  it('stamps every read with the car position at its time (within 25 m), goes on without GPS, and a canvass finds the reads where they were made', async () => {
    // The drive starts on the next whole second; gpsfake feeds it to gpsd in real time.
    const start = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    const drive = Drive.mountainHighway(start, 240);
    const port = await freePort();
    fake = await FakeGpsd.start(drive.nmea(), port);

    const messages: Message[] = [];
    sub = mqtt.connect(broker.url);
    sub.on('message', (topic, payload) => messages.push({ topic, body: JSON.parse(payload.toString()) }));
    await new Promise<void>((r) => sub!.subscribe('alpr/car-7/#', { qos: 1 }, () => r()));
    const hotlist = join(broker.dir, 'hot.csv');
    writeFileSync(
      hotlist,
      `plate,state,category,reason,source,nic,entered,expires,priority,notes\n${HOT},,stolen_vehicle,Stolen,CBI,V1,2026-01-01,,1,\n`,
    );
    daemon = DaemonProcess.start(`
unit: { id: car-7, name: Patrol car 7, mobile: true }
storage: { path: $STATE }
gps: { host: 127.0.0.1, port: ${port} }
hotlists:
  sources: [{ id: test, format: csv, file: ${hotlist} }]
mqtt: { enabled: true, url: ${broker.url}, reconnect_s: 0.5, publish_reads: true, include_crop: false }
health: { interval_s: 5 }
cameras:
  - id: front
    name: Car 7 front
    url: ${join(ROOT, 'test-fixtures', 'drive-by.mp4')}
    loop: true
    realtime: true
    mount: front
    location: { text: Car 7 }
`);
    const rows = (): ReadRow[] =>
      daemon!.query<ReadRow>(
        'SELECT id, plate, best_seen, lat, lon, fix_mode, fix_age_s, position_status, position_source FROM reads ORDER BY best_seen',
      );

    // With GPS: reads for 45 s after the first one.
    const first = await waitUntil(
      () => rows()[0],
      120_000,
      `a first read (logs: ${JSON.stringify(daemon.logs.slice(-5))})`,
    );
    await sleep(Math.max(0, first.best_seen + 45_000 - Date.now()));

    // gpsd goes away for 25 s (the whole clip passes at least once), then comes back.
    const killedAt = Date.now();
    await fake.stop();
    fake = undefined;
    await sleep(25_000);
    const backAt = Date.now();
    fake = await FakeGpsd.start(drive.nmea(Date.now() + 1000), port);
    await waitUntil(
      () => rows().filter((r) => r.best_seen > backAt + 12_000 && r.position_status === 'ok').length >= 3,
      90_000,
      'three located reads after gpsd came back',
    );
    await sleep(Math.max(0, first.best_seen + 160_000 - Date.now()));
    expect(await daemon.stop()).toEqual({ code: 0, signal: null });
    const all = rows();

    // Every located read lies on the route at its best frame's time.
    const located = all.filter((r) => r.position_status === 'ok');
    const errors = located
      .map((r) => metresBetween({ lat: r.lat!, lon: r.lon! }, drive.at(r.best_seen)!))
      .sort((a, b) => a - b);
    const median = errors[Math.floor(errors.length / 2)]!;
    const max = errors[errors.length - 1]!;
    const statuses = (rs: ReadRow[]) => JSON.stringify(rs.map((r) => r.position_status[0]).join(''));
    process.stdout.write(
      `patrol-car GPS: ${located.length} located reads of ${all.length}; position error median ${median.toFixed(2)} m, max ${max.toFixed(2)} m; statuses before/during/after the outage ${statuses(all.filter((r) => r.best_seen <= killedAt))} ${statuses(all.filter((r) => r.best_seen > killedAt && r.best_seen < backAt))} ${statuses(all.filter((r) => r.best_seen >= backAt))}\n`,
    );
    expect(located.length).toBeGreaterThanOrEqual(15);
    expect(max).toBeLessThanOrEqual(TOLERANCE_M);
    expect(located.every((r) => r.position_source === 'gps' && r.fix_mode === '3d')).toBe(true);

    // While gpsd was gone, reads went on, without a position; none was lost.
    const outage = all.filter((r) => r.best_seen > killedAt + 1000 && r.best_seen < backAt);
    expect(outage.every((r) => r.position_status === 'no_fix' && r.lat === null)).toBe(true);
    // The clip passes in full during the outage: reads come at the rate they came with GPS.
    const before = all.filter((r) => r.best_seen <= killedAt);
    const ratePerS = before.length / ((killedAt - first.best_seen) / 1000);
    expect(outage.length).toBeGreaterThanOrEqual(Math.floor(0.5 * ratePerS * ((backAt - killedAt - 1000) / 1000)));
    expect(outage.length).toBeGreaterThanOrEqual(PLATES.length);
    expect(daemon.logs.filter((l) => l.msg === 'plate read')).toHaveLength(all.length);
    expect(daemon.logs.some((l) => /could not finalise/.test(l.msg))).toBe(false);
    // Positions came back with gpsd.
    expect(all.filter((r) => r.best_seen > backAt + 12_000).every((r) => r.position_status === 'ok')).toBe(true);

    // One log line and one status change when the fix was lost, and when it returned.
    expect(daemon.logs.filter((l) => /^GPS fix lost/.test(l.msg))).toHaveLength(1);
    expect(daemon.logs.filter((l) => l.msg === 'GPS fix')).toHaveLength(2);
    const fixStates = messages
      .filter((m) => m.topic.endsWith('/status') && m.body.state === 'online')
      .map((m) => (m.body.gps as { fix: string }).fix);
    expect(fixStates.filter((s, i) => s !== fixStates[i - 1]).slice(-3)).toEqual(['ok', 'lost', 'ok']);
    expect(fixStates.length).toBeLessThanOrEqual(6);
    expect(
      messages.some(
        (m) =>
          m.topic.endsWith('/health') &&
          (m.body.gps as Record<string, unknown>)?.mode === '3d' &&
          (m.body.gps as Record<string, unknown>)?.satellites_used === 9,
      ),
    ).toBe(true);

    // Dispatch hears where the hotlisted car was read, or that the GPS had no fix.
    const byId = new Map(all.map((r) => [r.id, r]));
    const hits = messages.filter((m) => m.topic.endsWith('/hits')).map((m) => m.body);
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) {
      const read = byId.get(h.read_id as string)!;
      expect(h.position_status).toBe(read.position_status);
      if (read.position_status === 'ok') {
        const p = h.position as { lat: number; lon: number; source: string; fix_mode: string };
        expect(p).toMatchObject({ source: 'gps', fix_mode: '3d' });
        expect(metresBetween(p, drive.at(read.best_seen)!)).toBeLessThanOrEqual(TOLERANCE_M);
      } else expect(h.position).toBeNull();
    }
    const readMsgs = messages.filter((m) => m.topic.endsWith('/reads')).map((m) => m.body);
    // The last read before the stop may still be in the outbox; every message that came matches.
    expect(readMsgs.length).toBeGreaterThanOrEqual(all.length - 2);
    for (const m of readMsgs) expect(m.position_status).toBe(byId.get(m.id as string)!.position_status);

    // A canvass (424.3(d)) around where an early read was made finds the reads made there, not
    // those made 2 km on.
    const db = openDatabase(daemon.dbFile);
    // This process writes the canvass's audit entry beside the daemon, so it holds the daemon's key.
    useAuditKey(db, readAuditKeyFile(daemon.auditKeyFile));
    try {
      const access = new AuditedAccess(db, systemClock);
      const deputy = await addUser(db, 'deputy', 'operator');
      const target = located[1]!;
      const here = drive.at(target.best_seen)!;
      const radiusM = 300;
      const found = access.canvass(
        deputy,
        { category: 'criminal_investigation', caseNumber: 'CR26-0021' },
        { lat: here.lat, lon: here.lon, radiusM, from: start, to: Date.now() },
      ).reads;
      const ids = new Set(found.map((r) => r.id));
      expect(ids.has(target.id)).toBe(true);
      const truthM = (r: ReadRow) => metresBetween(drive.at(r.best_seen)!, here);
      for (const r of located.filter((x) => truthM(x) < radiusM - TOLERANCE_M)) expect(ids.has(r.id)).toBe(true);
      const far = located.filter((r) => truthM(r) > 2000);
      expect(far.length).toBeGreaterThan(0);
      for (const r of far) expect(ids.has(r.id)).toBe(false);
      for (const r of found) expect(r.located).toMatch(/^GPS 3D fix/);
    } finally {
      db.close();
    }
  }, 330_000);
});
