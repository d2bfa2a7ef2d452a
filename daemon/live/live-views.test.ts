import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { AuditedAccess } from '../access/audited-access.js';
import { resolveFfmpegPath } from '../camera/ffmpeg-path.js';
import { cameraSchema } from '../config/camera-schema.js';
import { systemClock } from '../shared/clock.js';
import { AccessDeniedError } from '../shared/errors.js';
import { silentLogger } from '../shared/logger.js';
import { AuditLog } from '../store/audit-log.js';
import { addUser, tempDb } from '../../test/policy/fixture.js';
import { FrameTap } from './frame-tap.js';
import { LiveViewError, LiveViews } from './live-views.js';

const CLIP = join(import.meta.dirname, '..', '..', 'test-fixtures', 'drive-by.mp4');
const patrol = { category: 'patrol_operation' as const, caseNumber: 'SHIFT-0412' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(probe: () => T | undefined | false, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A viewer: the first message (the stream header) and how many MPEG-TS bytes followed. */
function watch(url: string): Promise<{ ws: WebSocket; header: Buffer; bytes: () => number; firstTs: Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let header: Buffer | undefined;
    let bytes = 0;
    let gotTs: (b: Buffer) => void = () => {};
    const firstTs = new Promise<Buffer>((r) => {
      gotTs = r;
    });
    ws.on('message', (d: Buffer) => {
      if (!header) {
        header = d;
        resolve({ ws, header, bytes: () => bytes, firstTs });
      } else {
        if (bytes === 0) gotTs(d);
        bytes += d.length;
      }
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('live views of the cameras', () => {
  let t: ReturnType<typeof tempDb>;
  let live: LiveViews;
  let frames: FrameTap;
  let server: Server;
  let base: string;
  /** The user the page's session cookie would name, per socket path (undefined: not resolved). */
  let cookieUser: number | undefined;

  const make = (url: string, opts: Partial<ConstructorParameters<typeof LiveViews>[0]> = {}): LiveViews => {
    frames = new FrameTap(systemClock);
    return new LiveViews({
      cameras: [cameraSchema.parse({ id: 'front', name: 'Front', url, loop: true })],
      access: new AuditedAccess(t.db, systemClock),
      frames,
      ffmpegPath: resolveFfmpegPath(),
      clock: systemClock,
      log: silentLogger(),
      ...opts,
    });
  };

  beforeEach(async () => {
    t = tempDb();
    cookieUser = undefined;
    server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      if (!live.upgrade(req, socket, head, cookieUser)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await live?.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    t.close();
  });

  it('shares one ffmpeg among the viewers of a camera and stops it within seconds after the last one leaves', async () => {
    live = make(CLIP);
    live.service.start(new AbortController().signal);
    const deputy = await addUser(t.db, 'deputy.ray', 'operator');
    const a = live.start('front', deputy, patrol);
    const b = live.start('front', deputy, patrol);
    if (a.kind !== 'mpeg1' || b.kind !== 'mpeg1') throw new Error('expected the relay');
    expect(a.ws_path).toMatch(/^\/api\/web\/live\/[0-9a-f]{32}\/stream\?token=[0-9a-f]{64}$/);
    const v1 = await watch(base + a.ws_path);
    const v2 = await watch(base + b.ws_path);
    // node-rtsp-stream's header, which JSMpeg skips: "jsmp", width, height.
    expect(v1.header.subarray(0, 4).toString()).toBe('jsmp');
    expect([v1.header.readUInt16BE(4), v1.header.readUInt16BE(6)]).toEqual([1280, 720]);
    // MPEG-TS: 188-byte packets starting with the sync byte 0x47.
    expect((await v1.firstTs)[0]).toBe(0x47);
    expect((await v2.firstTs)[0]).toBe(0x47);
    // A viewer joining mid-stream starts at a packet boundary too, whatever the pipe cut.
    await until(() => v1.bytes() > 100_000, 10_000, 'some of the stream');
    const c = live.start('front', deputy, patrol);
    if (c.kind !== 'mpeg1') throw new Error('expected the relay');
    const late = await watch(base + c.ws_path);
    const lateFirst = await late.firstTs;
    expect([lateFirst[0], lateFirst[188]]).toEqual([0x47, 0x47]);
    late.ws.close();
    await until(() => live.relayStats()[0]?.viewers === 2, 5000, 'the late viewer to leave');
    const relays = live.relayStats();
    expect(relays).toEqual([{ cameraId: 'front', viewers: 2, pid: expect.any(Number) }]);
    const pid = relays[0]!.pid!;
    expect(alive(pid)).toBe(true);

    v1.ws.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(alive(pid)).toBe(true);
    const left = Date.now();
    v2.ws.close();
    await until(() => !alive(pid), 10_000, 'the relay ffmpeg to exit');
    const gone = Date.now() - left;
    console.log(`relay ffmpeg gone ${gone} ms after the last viewer left`);
    expect(gone).toBeGreaterThanOrEqual(1500);

    const entries = new AuditLog(t.db).between(0, Date.now() + 1);
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      username: 'deputy.ray',
      action: 'search',
      outcome: 'allowed',
      purposeCategory: 'patrol_operation',
      caseNumber: 'SHIFT-0412',
      query: { kind: 'live_view', camera: 'front', live_id: a.live_id, stream: 'mpeg1' },
    });
  }, 30_000);

  it('drops a viewer whose network went away (no answer to pings) and stops the relay', async () => {
    live = make(CLIP, { heartbeatMs: 300, lingerMs: 200 });
    const deputy = await addUser(t.db, 'deputy.ray', 'operator');
    const l = live.start('front', deputy, patrol);
    if (l.kind !== 'mpeg1') throw new Error('expected the relay');
    // A client that never answers a ping, as a laptop that left the Wi-Fi without a goodbye.
    const ws = new WebSocket(base + l.ws_path, { autoPong: false });
    const closed = new Promise((r) => ws.on('close', r));
    await until(() => live.relayStats()[0]?.pid, 5000, 'the relay to start');
    const pid = live.relayStats()[0]!.pid!;
    await closed;
    await until(() => !alive(pid), 5000, 'the relay ffmpeg to exit');
    expect(live.relayStats()).toEqual([{ cameraId: 'front', viewers: 0, pid: undefined }]);
  }, 30_000);

  it("refuses a socket without the viewing's token or for another user, and a role that may not view, on the record", async () => {
    live = make(CLIP);
    const deputy = await addUser(t.db, 'deputy.ray', 'operator');
    const tech = await addUser(t.db, 'tech.lee', 'technician', { trained: false });
    const auditor = await addUser(t.db, 'auditor.kim', 'auditor');
    const l = live.start('front', deputy, patrol);
    if (l.kind !== 'mpeg1') throw new Error('expected the relay');
    const noToken = l.ws_path.replace(/\?token=.*/, '');
    await expect(watch(base + noToken)).rejects.toThrow('refused: 403');
    await expect(watch(`${base}${l.ws_path.slice(0, -4)}0000`)).rejects.toThrow('refused: 403');
    cookieUser = tech.id;
    await expect(watch(base + l.ws_path)).rejects.toThrow('refused: 403');
    expect(live.relayStats()).toEqual([]);

    // A technician aims cameras without a purpose or ALPR training; an auditor may not watch.
    expect(live.start('front', tech).kind).toBe('mpeg1');
    expect(() => live.start('front', auditor, patrol)).toThrow(AccessDeniedError);
    // An administrator without ALPR training may aim a camera, not watch it as data.
    const admin = await addUser(t.db, 'admin.sue', 'administrator', { trained: false });
    expect(live.start('front', admin, patrol).kind).toBe('mpeg1');
    expect(() => live.start('rear', deputy, patrol)).toThrow(LiveViewError);
    const entries = new AuditLog(t.db).between(0, Date.now() + 1);
    expect(entries.map((e) => [e.username, e.action, e.outcome])).toEqual([
      ['deputy.ray', 'search', 'allowed'],
      ['tech.lee', 'unit_configure', 'allowed'],
      ['auditor.kim', 'search', 'refused'],
      ['admin.sue', 'unit_configure', 'allowed'],
    ]);
    // Ending someone else's viewing does nothing; one's own ends it.
    expect(live.end(l.live_id, tech.id)).toBe(false);
    expect(live.end(l.live_id, deputy.id)).toBe(true);
    cookieUser = undefined;
    await expect(watch(base + l.ws_path)).rejects.toThrow('refused: 403');
  }, 30_000);

  it('falls back to a JPEG a second of the decoded frames when the stream cannot be relayed', async () => {
    live = make('rtsp://127.0.0.1:9/nothing-listens-here', { retryMs: 100 });
    const deputy = await addUser(t.db, 'deputy.ray', 'operator');
    const l = live.start('front', deputy, patrol);
    if (l.kind !== 'mpeg1') throw new Error('expected a relay to be tried first');
    const v = await watch(base + l.ws_path);
    const closed = await new Promise<number>((r) => v.ws.on('close', (code) => r(code)));
    expect(closed).toBe(1011);

    const j = live.start('front', deputy, patrol);
    if (j.kind !== 'jpeg') throw new Error(`expected the JPEG fallback, got ${j.kind}`);
    expect(j).toMatchObject({ frame_path: `/api/web/live/${j.live_id}/frame`, interval_ms: 1000 });
    await expect(live.frame(j.live_id, deputy.id)).rejects.toThrow('no frame yet');
    // The pipeline's frame handler, tapped as main.ts does.
    const handled: number[] = [];
    const onFrame = frames.tap(async (f) => void handled.push(f.seq));
    const data = new Uint8Array(320 * 180 * 3).fill(128);
    await onFrame({ cameraId: 'front', seq: 7, ts: Date.now(), width: 320, height: 180, data });
    expect(handled).toEqual([7]);
    const jpeg = await live.frame(j.live_id, deputy.id);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    // Another viewer in the same second gets the same picture, not a second encoding.
    await onFrame({ cameraId: 'front', seq: 8, ts: Date.now(), width: 320, height: 180, data });
    expect(await live.frame(j.live_id, deputy.id)).toBe(jpeg);
    await expect(live.frame(j.live_id, deputy.id + 1)).rejects.toThrow('no such live viewing');
  }, 30_000);
});
