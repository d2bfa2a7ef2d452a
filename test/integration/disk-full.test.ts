/**
 * The state directory on a real, small file system (tmpfs) filled to the last byte: reads
 * finished meanwhile must not be lost, their hits must reach the broker while the disk is full,
 * and read and hit must be in SQLite once space is back. Drives the daemon as main.ts builds it
 * (buildDaemon), with a fake analyzer feeding the real pipeline, sink, recorder and publisher.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parseConfigText } from '../../daemon/config/load.js';
import { Lifecycle } from '../../daemon/lifecycle/lifecycle.js';
import { buildDaemon } from '../../daemon/main.js';
import { plate } from '../../daemon/pipeline/test-helpers.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { createLogger } from '../../daemon/shared/logger.js';
import { CropStore } from '../../daemon/store/crops.js';
import { HoldStore } from '../../daemon/store/holds.js';
import type { AnalyzedPlate, FrameAnalyzer } from '../../daemon/vision/ports.js';
import { announceSkip } from '../helpers/skip.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';

const TMPFS_MB = 8;

/** Mounting needs root (CI runs as root); find out by trying, on a throw-away folder. */
function mountProbe(): string {
  if (!haveMosquitto()) return '/usr/sbin/mosquitto is not installed';
  const dir = mkdtempSync(join(tmpdir(), 'alpr-tmpfs-probe-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status === 0) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return r.status === 0 ? '' : `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})`;
}

const reason = mountProbe();
if (reason) announceSkip('disk full on a real tmpfs', reason);
const maybe = reason ? describe.skip : describe;

interface Line {
  level: string;
  msg: string;
  [k: string]: unknown;
}

/** Writes a filler file until the file system refuses (ENOSPC); returns its size. */
function fillUp(file: string): number {
  const fd = openSync(file, 'w');
  let total = 0;
  try {
    for (const size of [1 << 20, 1 << 16, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          total += writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

async function until<T>(f: () => T | undefined | false, ms: number, what: string | (() => string)): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A unit built as main.ts builds it, with every service but the camera's ffmpeg: the test hands the pipeline its frames. */
async function startUnit(configText: string, lifecycle: Lifecycle) {
  const config = parseConfigText(configText, 'unit.yaml', { get: () => undefined });
  let scene: AnalyzedPlate[] = [];
  const analyzer: FrameAnalyzer = { analyze: async () => scene, close: async () => {} };
  const lines: Line[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  const daemon = await buildDaemon(config, { log, clock: systemClock, analyzer, auditKey: randomBytes(32) });
  await lifecycle.start(
    daemon.services.filter((s) => !s.name.startsWith('camera ')),
    new AbortController().signal,
  );
  await daemon.delivery.hotlists.syncNow();
  const pipeline = daemon.pipelines.get('front')!;
  let seq = 0;
  return {
    daemon,
    lines,
    /** One vehicle pass: three frames with the plate; then the pipeline finalises it and waits for its read. */
    pass: async (text: string): Promise<void> => {
      scene = [plate(text, 0.98, { x: 100, y: 80, w: 120, h: 40 })];
      for (let i = 0; i < 3; i++) {
        await pipeline.onFrame({
          cameraId: 'front',
          seq: seq++,
          ts: Date.now(),
          width: 320,
          height: 240,
          // Noise: a crop that does not compress, as a real one barely does.
          data: randomBytes(320 * 240 * 3),
        });
      }
      scene = [];
      await pipeline.stop();
    },
    readsOf: (p: string) => daemon.db.prepare('SELECT id FROM reads WHERE plate = ?').all(p) as { id: string }[],
  };
}

maybe('a full disk (real tmpfs, real Mosquitto)', () => {
  const broker = new TestBroker();
  let work: string;
  let state: string;
  let mounted = false;
  let sub: mqtt.MqttClient | undefined;
  let lifecycle: Lifecycle;

  beforeAll(() => broker.start());
  afterAll(() => broker.dispose());
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'alpr-diskfull-'));
    state = join(work, 'state');
    mkdirSync(state);
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_MB}m`, 'tmpfs', state], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
    mounted = true;
    lifecycle = new Lifecycle(createLogger('silent'));
  });
  afterEach(async () => {
    await sub?.endAsync();
    sub = undefined;
    await lifecycle.stop();
    if (mounted) spawnSync('umount', ['-l', state]);
    mounted = false;
    rmSync(work, { recursive: true, force: true });
  });

  it('publishes the hits of reads finished while the disk is full, and stores read and hit once space is back', async () => {
    const hot = ['HOT1001', 'HOT1002', 'HOT1003', 'HOT1004'];
    const list = join(work, 'hotlist.csv');
    writeFileSync(
      list,
      `plate,state,category,reason,source,nic,entered,expires,priority,notes\n${hot
        .map((p) => `${p},,stolen_vehicle,Stolen,CBI,V1,2026-01-01,,1,`)
        .join('\n')}\n`,
    );
    const configText = [
      'unit: { id: full1 }',
      // The floor is off here: this is the last line of defence, when the disk is full regardless.
      `storage: { path: ${state}, min_free_mb: 0, min_free_percent: 0, check_interval_s: 0.5 }`,
      `api: { socket: ${state}/api.sock }`,
      'cameras: [{ id: front, name: Front, url: "rtsp://127.0.0.1:9/none", location: { text: US-6 MP 262, lat: 39.74, lon: -105.51 } }]',
      'pipeline: { motion_threshold: 0 }',
      `hotlists: { sources: [{ id: cbi, format: csv, file: ${list} }] }`,
      `mqtt: { enabled: true, url: "${broker.url}", reconnect_s: 0.3 }`,
      '',
    ].join('\n');
    type Msg = { topic: string; body: Record<string, unknown>; at: number };
    const got: Msg[] = [];
    // A persistent session: the broker keeps what comes for dispatch while it reconnects.
    sub = mqtt.connect(broker.url, { clientId: 'dispatch-full', clean: false, reconnectPeriod: 100 });
    sub.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()), at: Date.now() }));
    await new Promise<void>((r) => sub!.once('connect', () => r()));
    await sub.subscribeAsync('alpr/full1/#', { qos: 1 });
    const hitsFor = (p: string) => got.filter((m) => m.topic.endsWith('/hits') && m.body.plate === p);

    const { daemon, lines, pass, readsOf } = await startUnit(configText, lifecycle);
    const publisher = daemon.delivery.publisher!;
    await until(() => publisher.connected, 10_000, 'the unit to connect');
    const outboxDepth = () => (daemon.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;

    // Room to spare: stored and sent through the outbox as always.
    await pass('HOT1001');
    await until(() => hitsFor('HOT1001').length === 1, 5_000, 'the first hit');
    expect(readsOf('HOT1001')).toHaveLength(1);

    // The broker goes away: the next hit is stored and waits in the outbox.
    await broker.stop();
    await pass('HOT1004');
    await until(() => outboxDepth() === 1, 5_000, 'the hit to wait in the outbox');

    // Fill the file system to the last byte (the WAL emptied first, so no slack is left in it).
    await until(
      () => (daemon.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]!.busy === 0,
      5_000,
      'an emptied WAL',
    );
    const filler = join(state, 'filler');
    const filled = fillUp(filler);
    // Full disk and no broker: the read and its hit can only wait in memory.
    await pass('HOT1002');
    await pass('CLEAN42');
    expect(hitsFor('HOT1002')).toHaveLength(0);

    // The broker is back: the stored hit goes from the outbox (its row cannot even be deleted
    // now), the one in memory goes straight, and a hit made now goes at once.
    const backAt = Date.now();
    await broker.start();
    await until(() => publisher.connected, 10_000, 'the unit to reconnect');
    await pass('HOT1003');
    const whileFull = ['HOT1002', 'CLEAN42', 'HOT1003'];
    await until(
      () => ['HOT1002', 'HOT1003', 'HOT1004'].every((p) => hitsFor(p).length > 0),
      10_000,
      () =>
        `hits while the disk is full (received: ${got.map((m) => `${m.topic.split('/').pop()}:${m.body.plate ?? m.body.storage ?? ''}`).join(' ')}; ` +
        `unit connected ${publisher.connected}, dispatch connected ${sub?.connected}, waiting in memory ${daemon.unstored.size}; ` +
        `log: ${lines
          .filter((l) => l.msg !== 'plate read')
          .slice(-25)
          .map(
            (l) =>
              `${l.msg} ${JSON.stringify({ ...l, msg: undefined, time: undefined, service: undefined, level: undefined })}`,
          )
          .join('\n')})`,
    );
    const sentMs = Math.max(...['HOT1002', 'HOT1003', 'HOT1004'].map((p) => hitsFor(p)[0]!.at - backAt));
    for (const p of whileFull) expect(readsOf(p)).toHaveLength(0);
    expect(hitsFor('HOT1002')[0]!.body).toMatchObject({ category: 'stolen_vehicle', camera: { id: 'front' } });
    expect(typeof hitsFor('HOT1002')[0]!.body.crop_jpeg_base64).toBe('string');
    await until(
      () => got.some((m) => m.topic.endsWith('/status') && m.body.storage === 'full'),
      5_000,
      'status saying storage: full',
    );
    expect(lines.some((l) => l.msg === 'could not finalise a read')).toBe(false);
    expect(lines.some((l) => /uncaught/.test(l.msg))).toBe(false);
    expect(lines.some((l) => l.msg.startsWith('cannot delete sent messages from the outbox'))).toBe(true);

    // Space returns: the reads and their hits are written, and no hit is sent again.
    unlinkSync(filler);
    const freedAt = Date.now();
    await until(() => whileFull.every((p) => readsOf(p).length === 1), 10_000, 'the reads to be stored');
    const storedMs = Date.now() - freedAt;
    await until(
      () => got.some((m) => m.topic.endsWith('/status') && m.body.storage === 'ok'),
      5_000,
      'status saying storage: ok',
    );
    await until(() => outboxDepth() === 0, 5_000, 'an empty outbox');
    const hitRows = daemon.db
      .prepare('SELECT h.id, h.plate, r.id AS read_id FROM hits h JOIN reads r ON r.id = h.read_id ORDER BY h.plate')
      .all() as { id: string; plate: string; read_id: string }[];
    expect(hitRows.map((h) => h.plate)).toEqual(hot);
    const crops = daemon.db.prepare('SELECT count(*) AS n FROM read_crops').get() as { n: number };
    expect(crops.n).toBe(5);
    await new Promise((r) => setTimeout(r, 1_500));
    for (const h of hitRows) expect(hitsFor(h.plate).map((m) => m.body.id)).toEqual([h.id]);

    // The journal says "hotlist hit" once per hit, and only for hits dispatch received.
    const announced = lines.filter((l) => l.msg === 'hotlist hit');
    expect(announced.map((l) => l.hit).sort()).toEqual(hitRows.map((h) => h.id).sort());
    process.stdout.write(
      `disk full on a ${TMPFS_MB} MB tmpfs: filler ${filled} bytes; ${whileFull.length} reads (2 hits) finished while full, ` +
        `1 hit in the outbox; all 3 hits at the broker ${sentMs} ms after it came back; ` +
        `reads and hits stored ${storedMs} ms after the filler went; ` +
        `${got.filter((m) => m.topic.endsWith('/hits')).length} hit messages for ${hot.length} hits\n`,
    );
  }, 60_000);

  it('sheds the oldest crops not under a hold before the disk fills, then stores reads without crops, and stores crops again once space is back', async () => {
    const configText = [
      'unit: { id: low1 }',
      `storage: { path: ${state}, min_free_mb: 1, min_free_percent: 0, check_interval_s: 0.2 }`,
      `api: { socket: ${state}/api.sock }`,
      'cameras: [{ id: front, name: Front, url: "rtsp://127.0.0.1:9/none", location: { lat: 39.74, lon: -105.51 } }]',
      'pipeline: { motion_threshold: 0 }',
      '',
    ].join('\n');
    const { daemon, lines, pass, readsOf } = await startUnit(configText, lifecycle);
    const plates = Array.from({ length: 30 }, (_, i) => `LOW${String(i).padStart(3, '0')}`);
    for (const p of plates) await pass(p);
    const first = readsOf(plates[0]!)[0]!.id;
    new HoldStore(daemon.db).create(
      {
        caseNumber: 'CR-26-0042',
        reason: 'evidence',
        createdBy: 'sgt',
        reviewAt: Number.MAX_SAFE_INTEGER,
        scope: { kind: 'reads', readIds: [first] },
      },
      Date.now(),
    );
    const cropped = () =>
      new Set(
        (
          daemon.db.prepare('SELECT r.plate FROM read_crops c JOIN reads r ON r.id = c.read_id').all() as {
            plate: string;
          }[]
        ).map((r) => r.plate),
      );
    const cropBytes = (daemon.db.prepare('SELECT sum(length(jpeg)) AS n FROM read_crops').get() as { n: number }).n;
    const stateLines = () => lines.filter((l) => l.storage !== undefined).map((l) => l.storage);
    daemon.db.pragma('wal_checkpoint(TRUNCATE)');
    const floor = 1024 * 1024;
    // As the guard counts it: free on the file system plus free pages inside the database.
    const free = () => statfsSync(state).bavail * statfsSync(state).bsize + new CropStore(daemon.db).freeBytes();

    // Just below the floor: the oldest unheld crops go until free space is a tenth above it
    // (about half of them here).
    const fillerA = join(state, 'filler-a');
    writeFileSync(fillerA, Buffer.alloc(free() - (floor - 20_000)));
    await until(
      () => stateLines().includes('ok'),
      10_000,
      () => `the guard to shed crops (states: ${stateLines()}; ${cropBytes} crop bytes, ${free()} free)`,
    );
    expect(stateLines()).toEqual(['shedding_crops', 'ok']);
    const afterA = cropped();
    const shedA = plates.filter((p) => !afterA.has(p));
    expect(afterA.has(plates[0]!)).toBe(true); // under an evidence hold
    expect(shedA.length).toBeGreaterThan(0);
    expect(shedA).toEqual(plates.slice(1, 1 + shedA.length)); // oldest first
    for (const p of plates) expect(readsOf(p)).toHaveLength(1); // every read row kept

    // Far below the floor: every crop not held goes, then new reads are stored without theirs.
    const fillerB = join(state, 'filler-b');
    writeFileSync(fillerB, Buffer.alloc(Math.max(0, statfsSync(state).bavail * statfsSync(state).bsize - 100_000)));
    await until(
      () => stateLines().at(-1) === 'crops_refused',
      10_000,
      () => `crops refused (states: ${stateLines()})`,
    );
    expect([...cropped()]).toEqual([plates[0]]);
    // With room to spare the shed crops are zeroed (secure delete); this close to full there is no
    // room for the zeros, and they are shed all the same.
    const zeroed = (
      daemon.db.prepare("SELECT detail FROM audit_log WHERE action = 'shed_crops' ORDER BY seq").all() as {
        detail: string;
      }[]
    ).map((r) => (JSON.parse(r.detail) as { zeroed: boolean }).zeroed);
    expect(zeroed[0]).toBe(true);
    expect(zeroed).toContain(false);
    await pass('NEW0001');
    expect(readsOf('NEW0001')).toHaveLength(1);
    expect(cropped().has('NEW0001')).toBe(false);
    expect(lines.find((l) => l.msg === 'plate read' && l.crop === 'refused')).toBeDefined();

    // Space is back: crops are stored again.
    unlinkSync(fillerA);
    unlinkSync(fillerB);
    await until(
      () => stateLines().at(-1) === 'ok',
      10_000,
      () => `storage ok (states: ${stateLines()})`,
    );
    await pass('NEW0002');
    expect(cropped().has('NEW0002')).toBe(true);
    // One line per change of state, however many checks ran (every 0.2 s).
    expect(stateLines().filter((s) => s === 'crops_refused')).toHaveLength(1);
    const audited = daemon.db
      .prepare("SELECT sum(result_count) AS n FROM audit_log WHERE action = 'shed_crops'")
      .get() as { n: number };
    expect(audited.n).toBe(plates.length - 1);
    process.stdout.write(
      `low space on a ${TMPFS_MB} MB tmpfs, floor 1 MB: ${plates.length} crops of ${Math.round(cropBytes / plates.length)} bytes; ` +
        `${shedA.length} oldest shed to get a tenth above the floor; states ${stateLines().join(' > ')}\n`,
    );
  }, 60_000);
});
