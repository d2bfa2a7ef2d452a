import type { AuditReport } from '../../daemon/access/audit-report.js';
import { cameraSchema } from '../../daemon/config/camera-schema.js';
import { StoringReadSink } from '../../daemon/pipeline/store-sink.js';
import type { PlateRead } from '../../daemon/store/plate-read.js';
import { FixTrack } from '../../daemon/position/fix-track.js';
import { cameraLocated, PositionStampingSink } from '../../daemon/position/position-sink.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { ReadStore } from '../../daemon/store/reads.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { Drive, metresBetween } from '../helpers/nmea-drive.js';
import { ApiDoor } from './api-door.js';
import { addHit, addUser, NOW } from './fixture.js';
import { transactionsOn } from '../../daemon/store/transactions.js';

const purpose = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0777' };
const START = NOW - 3_600_000;
const drive = Drive.mountainHighway(START, 300);
const car = cameraSchema.parse({ id: 'front', name: 'Car 7 front', url: 'rtsp://cam/1', mount: 'front' });
const pole = cameraSchema.parse({
  id: 'pole',
  name: 'US-6 pole',
  url: 'rtsp://cam/2',
  location: { text: 'US-6 MP 262', lat: 39.7422, lon: -105.5136 },
});

function plateRead(id: string, bestSeen: number, cameraId = 'front'): PlateRead {
  return {
    id,
    cameraId,
    text: id.toUpperCase(),
    confidence: 0.95,
    alternatives: [],
    state: 'CO',
    firstSeen: bestSeen - 400,
    lastSeen: bestSeen + 300,
    bestSeen,
    frames: 6,
    cropJpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
    box: { x: 1, y: 2, w: 3, h: 4 },
    frameWidth: 1280,
    frameHeight: 720,
  };
}

// Policy 424.3(d): a canvass around an incident finds what ALPR-equipped patrol cars read there.
describe('424.3(d) a patrol car locates every read by GPS', () => {
  let rig: ApiRig;
  let access: ApiDoor;
  let reads: ReadStore;
  beforeEach(async () => {
    rig = await startApi();
    const t = rig.t;
    access = new ApiDoor(rig);
    reads = new ReadStore(t.db);
    // gpsd's fixes of the drive, one a second, except for a 30 s outage from minute 3.
    const track = new FixTrack(3_600_000);
    for (let s = 0; s <= 300; s++) {
      if (s === 181) track.markNoFix(START + 180_500);
      if (s > 180 && s < 210) continue;
      const p = drive.at(START + s * 1000)!;
      track.add({
        time: p.t,
        lat: p.lat,
        lon: p.lon,
        accuracyM: 4,
        speedMps: p.speedMps,
        headingDeg: p.headingDeg,
        mode: '3d',
      });
    }
    const sink = new PositionStampingSink(
      new StoringReadSink(transactionsOn(t.db), reads, rig.clock, silentLogger(), { logPlates: false }),
      (at, camera) => (camera.id === 'pole' ? cameraLocated(camera) : track.locate(at, 5000)),
    );
    // A read every 10 s along the drive (ids r0 ... r29), and one by the pole camera.
    for (let s = 5; s < 300; s += 10) await sink.accept(plateRead(`r${(s - 5) / 10}`, START + s * 1000 + 250), car);
    await sink.accept(plateRead('pole1', START + 60_000, 'pole'), pole);
  });
  afterEach(() => rig.close());

  it('stores each read at the car position of its best frame, and a read during a GPS outage without one', () => {
    const r3 = reads.get('r3')!;
    expect(r3.position).toMatchObject({ source: 'gps', fixMode: '3d', accuracyM: 4 });
    expect(metresBetween(r3.position!, drive.at(r3.bestSeen!)!)).toBeLessThan(1);
    const outage = reads.get('r19')!;
    expect(outage).toMatchObject({ position: null, positionStatus: 'no_fix', lat: null, lon: null });
    expect(reads.count()).toBe(31);
    expect(reads.get('pole1')!.position).toMatchObject({ source: 'camera', lat: 39.7422, fixAgeS: null });
  });

  it('canvasses the per-read positions: finds the reads made near the point, not those 2 km on, and says how each was located', async () => {
    const op = await addUser(rig.t.db, 'deputy', 'operator');
    const here = drive.at(START + 125_250)!;
    const r = await access.canvass(op, purpose, { lat: here.lat, lon: here.lon, radiusM: 400, from: START, to: NOW });
    const found = r.reads.map((x) => x.id);
    expect(found[0]).toBe('r12');
    for (const id of found) expect(metresBetween(reads.get(id)!.position!, here)).toBeLessThanOrEqual(400);
    const far = ['r0', 'r1', 'r25', 'r26', 'r27', 'r28', 'r29'].filter(
      (id) => metresBetween(drive.at(reads.get(id)!.bestSeen!)!, here) > 2000,
    );
    expect(far.length).toBeGreaterThan(2);
    for (const id of far) expect(found).not.toContain(id);
    expect(r.reads[0]!.located).toBe('GPS 3D fix');
    const pole = await access.canvass(op, purpose, { lat: 39.7422, lon: -105.5136, radiusM: 50, from: START, to: NOW });
    expect(pole.reads.find((x) => x.id === 'pole1')?.located).toBe('fixed camera');
  });

  it('puts each read position in the evidence package and the audit report', async () => {
    const op = await addUser(rig.t.db, 'deputy', 'operator');
    addHit(rig.t.db, 'r3', 'hit-r3');
    await access.verifyHit(op, purpose, { hitId: 'hit-r3', outcome: 'confirmed', reference: 'CBI-9', note: '' });
    await access.createHold(op, purpose, { reason: 'canvass', readIds: ['r3', 'r19'] });
    const out = await (await access.client(op)).call('exportEvidence', {
      purpose: purpose.category,
      case: purpose.caseNumber,
      plain_reason: 'test of the package contents',
    });
    const file = (path: string) =>
      Buffer.from(out.files.find((f) => f.path === path)!.data_base64, 'base64').toString('utf8');
    const rows = JSON.parse(file('reads.json')) as Record<string, unknown>[];
    expect(rows.find((r) => r.id === 'r3')).toMatchObject({
      position_source: 'gps',
      position_status: 'ok',
      fix_mode: '3d',
      accuracy_m: 4,
      best_seen: new Date(START + 35_250).toISOString(),
    });
    expect(rows.find((r) => r.id === 'r19')).toMatchObject({ lat: null, position_status: 'no_fix' });
    expect(file('reads.csv').split('\r\n')[0]).toContain(
      'lat,lon,position_source,position_status,best_seen,accuracy_m,speed_mps,heading_deg,fix_mode,fix_age_s',
    );
    const auditor = await addUser(rig.t.db, 'auditor', 'auditor');
    const report = (await (await access.client(auditor)).call('auditReport', { from: 0, to: NOW }))
      .report as unknown as AuditReport;
    expect(report.hits.verifications[0]!.read_position).toMatch(/^39\.\d{5},-105\.\d{5} \(GPS 3D fix\)$/);
  });
});
