import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { buildHitPayload } from '../../daemon/alerts/payloads.js';
import { sampleHitInput } from '../../daemon/alerts/test-support.js';
import { CSRF_HEADER, WEB_PATHS } from '../../daemon/api/web-constants.js';
import type { WebHealth, WebHit, WebUnit } from '../../daemon/api/web-contract.js';
import { ensureWebBundle } from '../../scripts/build-web.js';
import { DaemonProcess, ROOT, waitUntil } from '../helpers/daemon.js';
import { staffOf } from '../helpers/staff.js';
import { DRIVE_BY_CLIP } from '../helpers/rtsp-server.js';
import { announceSkip } from '../helpers/skip.js';
import { freePort, haveMosquitto, TestBroker } from './mosquitto.js';
import { launchChromium, noChromium } from '../helpers/browser.js';

/**
 * The dispatch console with real parts: a real Mosquitto, the console as its own process
 * (`alpr-edge dispatch --config`), two units: a real unit daemon (the fake analyzer on the
 * drive-by clip, a hotlist holding its plate) and one publishing recorded hit, status and health
 * payloads (built with daemon/alerts/payloads.ts) with a last will; the console's page routes
 * called over HTTP as the page calls them, and the page itself in Chromium.
 */
const KEEPALIVE_S = 5;
const DISPATCH_PW = 'dispatcher kim passphrase';
const UNIT_BIN = join(ROOT, 'test', 'fixtures', 'recorded-unit.ts');
const FAKE_ANALYZER_DAEMON = join(ROOT, 'test', 'fixtures', 'fake-analyzer-daemon.ts');

const haveChromium = !noChromium;
const OUTPUT = join(ROOT, 'test-output', 'web');
if (noChromium) announceSkip('dispatch console page in Chromium', noChromium);

const suite = haveMosquitto() ? describe : describe.skip;
if (!haveMosquitto()) announceSkip('dispatch console test', 'no /usr/sbin/mosquitto (apt-get install -y mosquitto)');

/** A plate crop as a unit sends it: a small real JPEG (set in beforeAll). */
let CROP: Buffer = Buffer.alloc(0);

/** waitUntil for a probe that has to ask over the network. */
async function waitFor<T>(probe: () => Promise<T | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A recorded unit (test/fixtures/recorded-unit.ts) as a child process: status, will, health, hits on stdin. */
class RecordedUnit {
  readonly lines: string[] = [];
  readonly child: ChildProcess;
  constructor(
    url: string,
    readonly id: string,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', UNIT_BIN, url, 'alpr', id, String(KEEPALIVE_S)], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (l) => this.lines.push(l));
  }
  online(): Promise<boolean> {
    return waitUntil(() => this.lines.includes('online'), 20_000, `${this.id} online`);
  }
  /** Publishes a hit at QoS 1 and resolves once the broker has it (PUBACK). */
  async publishHit(plate: string, lat: number, lon: number): Promise<string> {
    const now = Date.now();
    const id = randomUUID();
    const payload = buildHitPayload(
      sampleHitInput(plate, {
        hitId: id,
        unitId: this.id,
        readAt: now - 400,
        createdAt: now,
        camera: { id: 'front', name: `${this.id} front` },
        location: { text: 'County road 5', lat, lon },
        positionStatus: 'ok',
        confidence: 0.97,
        entry: { reason: 'Stolen 2026-11-30', nic: 'V123456789', priority: 1 },
        list: { source: 'cbi', version: 'v-2026-12-01', ageS: 600, stale: false },
        cropJpeg: CROP,
      }),
    );
    this.child.stdin!.write(`${JSON.stringify(payload)}\n`);
    await waitUntil(() => this.lines.includes(`sent ${id}`), 10_000, `the broker to take hit ${plate}`);
    return id;
  }
  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** A dispatcher's logged-in page session over HTTP: the cookie, the CSRF token, the shift purpose. */
class PageClient {
  private cookie = '';
  private csrf = '';
  constructor(private readonly base: string) {}

  async login(username: string, password: string): Promise<{ mode: string }> {
    const res = await fetch(this.base + WEB_PATHS.login, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as { mode: string; csrf_token: string };
    expect(res.status).toBe(200);
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    this.csrf = body.csrf_token;
    await this.post(WEB_PATHS.patrolPurpose, { category: 'patrol_operation', case_number: 'SHIFT-2026-1202' });
    return body;
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(this.base + path, { headers: { cookie: this.cookie } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      headers: { cookie: this.cookie, [CSRF_HEADER]: this.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const out = (await res.json()) as T;
    expect(res.status).toBe(200);
    return out;
  }

  /** Opens the page's event stream and collects its `unit` events. */
  async unitEvents(): Promise<{ events: { at: number; unit: WebUnit }[]; close(): void }> {
    const ctl = new AbortController();
    const res = await fetch(this.base + WEB_PATHS.events, { headers: { cookie: this.cookie }, signal: ctl.signal });
    expect(res.status).toBe(200);
    const events: { at: number; unit: WebUnit }[] = [];
    const reader = res.body!.getReader();
    void (async () => {
      let buf = '';
      const text = new TextDecoder();
      for (;;) {
        const r = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (r.done) return;
        buf += text.decode(r.value, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'unit' && data) events.push({ at: Date.now(), unit: JSON.parse(data) as WebUnit });
          i = buf.indexOf('\n\n');
        }
      }
    })();
    return { events, close: () => ctl.abort() };
  }
}

suite('the dispatch console on a real broker', () => {
  const broker = new TestBroker();
  const state = mkdtempSync(join(tmpdir(), 'alpr-dispatch-'));
  let consoleProcess: DaemonProcess | undefined;
  /** car12: a real unit daemon (fake analyzer on the drive-by clip); gate3: a recorded unit. */
  let car: DaemonProcess | undefined;
  let gate: RecordedUnit | undefined;
  let base = '';
  let yaml = '';

  const startConsole = async (): Promise<DaemonProcess> => {
    const c = DaemonProcess.start(yaml, {}, undefined, 'dispatch');
    await waitUntil(
      () => c.logs.some((l) => l.msg === 'dispatch console started'),
      60_000,
      `the console to start (${c.stderr.slice(-500)} ${JSON.stringify(c.logs.slice(-3))})`,
    );
    return c;
  };
  const consoleRows = <T>(sql: string): T[] => {
    const db = new Database(join(state, 'dispatch.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    await ensureWebBundle();
    CROP = await sharp({ create: { width: 160, height: 48, channels: 3, background: '#d8d8d0' } })
      .jpeg()
      .toBuffer();
    await broker.start();
    const key = join(state, 'audit-key');
    writeFileSync(key, randomBytes(32), { mode: 0o400 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    yaml = `
console: { id: county, name: County Dispatch }
broker: { url: "${broker.url}", client_id: county-dispatch, topic_prefix: alpr, keepalive_s: 5, reconnect_s: 0.5 }
units:
  names: { car12: Car 12, gate3: Gate 3 }
  keepalive_s: ${KEEPALIVE_S}
  # The units send health every KEEPALIVE_S; the silence rule gets twice that, for a loaded machine.
  health_interval_s: ${2 * KEEPALIVE_S}
storage: { path: ${state} }
access: { audit_key_file: ${key} }
api: { socket: ${state}/api.sock }
web: { listen: "127.0.0.1:${port}", view_audit_interval_s: 1 }
`;
    consoleProcess = await startConsole();
    // The console's own accounts, made through its own API socket with the usual CLI (one door).
    const staff = await staffOf(join(state, 'api.sock'), state);
    await staff.add('disp.kim', 'operator', 'Kim Dispatcher', 'E-401', DISPATCH_PW);
    await staff.train('disp.kim');
    const hotlist = join(state, 'unit-hotlist.csv');
    writeFileSync(
      hotlist,
      'plate,state,category,reason,source,nic,entered,expires,priority,notes\nHOT1234,,stolen_vehicle,Stolen,CBI,V1,2026-01-01,,1,\n',
    );
    car = DaemonProcess.start(
      `
unit: { id: car12, name: Car 12 }
storage: { path: $STATE }
hotlists:
  sources: [{ id: cbi, format: csv, file: ${hotlist} }]
mqtt: { enabled: true, url: "${broker.url}", reconnect_s: 0.5, keepalive_s: ${KEEPALIVE_S} }
health: { interval_s: ${KEEPALIVE_S} }
cameras:
  - { id: road, name: Road, url: ${DRIVE_BY_CLIP}, fps: 5, location: { text: Test road, lat: 39.74, lon: -105.51 } }
`,
      { FAKE_PLATE: 'HOT1234' },
      FAKE_ANALYZER_DAEMON,
    );
    gate = new RecordedUnit(broker.url, 'gate3');
    await gate.online();
  }, 120_000);

  afterAll(async () => {
    gate?.kill();
    car?.cleanup();
    consoleProcess?.cleanup();
    await broker.dispose();
    rmSync(state, { recursive: true, force: true });
  });

  it("shows both units' hits with the unit's name and position, and each unit online with its list staleness", async () => {
    const gateHit = await gate!.publishHit('XYZ789', 39.7, -105.6);
    const page = new PageClient(base);
    expect(await page.login('disp.kim', DISPATCH_PW)).toMatchObject({ mode: 'dispatch' });
    // The daemon's hit comes when the clip ends and the plate's track closes.
    const hits = await waitFor(
      async () => {
        const r = await page.get<{ hits: WebHit[] }>(`${WEB_PATHS.hits}?limit=50`);
        return r.hits.some((h) => h.unit.id === 'car12') && r.hits.some((h) => h.id === gateHit) && r.hits;
      },
      90_000,
      `both units' hits on the page (car12: ${car!.stderr.slice(-300)})`,
    );
    expect(hits.find((h) => h.unit.id === 'car12')).toMatchObject({
      unit: { id: 'car12', name: 'Car 12' },
      plate: 'HOT1234',
      camera: { id: 'road', name: 'Road' },
      position: { lat: 39.74, lon: -105.51 },
      bureau: { authorized: false },
      verification: { status: 'unverified' },
    });
    expect(hits.find((h) => h.unit.id === 'car12')?.crop_url).toBeTruthy();
    expect(hits.find((h) => h.id === gateHit)).toMatchObject({
      unit: { id: 'gate3', name: 'Gate 3' },
      plate: 'XYZ789',
      position: { lat: 39.7, lon: -105.6 },
    });
    const { units: list } = await page.get<{ units: WebUnit[] }>(WEB_PATHS.units);
    expect(list.map((u) => [u.id, u.name, u.state, u.lists_stale])).toEqual([
      ['car12', 'Car 12', 'online', false],
      ['gate3', 'Gate 3', 'online', true],
    ]);
    expect(list[0]!.position).toEqual({ lat: 39.74, lon: -105.51 });
    const health = await waitFor(
      async () => {
        const h = await page.get<WebHealth>(`${WEB_PATHS.health}?unit=car12`);
        return h.cameras.length > 0 && h;
      },
      15_000,
      "car12's health",
    );
    expect(health).toMatchObject({
      unit: { id: 'car12', name: 'Car 12' },
      cameras: [{ id: 'road' }],
      lists: [{ source: 'cbi', stale: false }],
    });
  }, 120_000);

  it('marks a unit killed without a clean disconnect offline on the page within 1.5 x keepalive', async () => {
    const page = new PageClient(base);
    await page.login('disp.kim', DISPATCH_PW);
    const stream = await page.unitEvents();
    try {
      const killedAt = Date.now();
      gate!.kill();
      const offline = await waitUntil(
        () => stream.events.find((e) => e.unit.id === 'gate3' && e.unit.state === 'offline'),
        1.5 * KEEPALIVE_S * 1000 + 2000,
        'gate3 offline on the event stream',
      );
      const delayMs = offline.at - killedAt;
      process.stdout.write(`dispatch: gate3 shown offline ${delayMs} ms after it was killed\n`);
      expect(delayMs).toBeLessThan(1.5 * KEEPALIVE_S * 1000);
      const { units: list } = await page.get<{ units: WebUnit[] }>(WEB_PATHS.units);
      expect(list.map((u) => [u.id, u.state])).toEqual([
        ['car12', 'online'],
        ['gate3', 'offline'],
      ]);
    } finally {
      stream.close();
    }
  }, 30_000);

  (haveChromium ? it : it.skip)(
    "shows both units' hits and the killed unit offline on the page in Chromium",
    async () => {
      const browser = await launchChromium();
      try {
        const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
        await page.goto(base);
        await page.fill('#login-user', 'disp.kim');
        await page.fill('#login-password', DISPATCH_PW);
        await page.click('button[type=submit]');
        await page.fill('#patrol-case', 'SHIFT-2026-1202');
        await page.click('button[type=submit]');
        await page.locator('article[data-hit-id]', { hasText: 'Car 12' }).first().waitFor({ timeout: 10_000 });
        await page.locator('article[data-hit-id]', { hasText: 'Gate 3' }).first().waitFor({ timeout: 10_000 });
        // The crops come from the console's own store, through its crop route.
        await page.waitForFunction(() => {
          type Img = { complete: boolean; naturalWidth: number };
          const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Img> } }).document;
          const imgs = Array.from(doc.querySelectorAll('article[data-hit-id] img'));
          return imgs.length >= 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
        });
        mkdirSync(OUTPUT, { recursive: true });
        await page.screenshot({ path: join(OUTPUT, 'dispatch-hits-1024x768.png') });
        await page.getByRole('button', { name: 'Units' }).click();
        await page.locator('tr[data-unit-id="gate3"].unit-offline').waitFor({ timeout: 10_000 });
        await page.locator('tr[data-unit-id="car12"].unit-online').waitFor({ timeout: 10_000 });
        await page.screenshot({ path: join(OUTPUT, 'dispatch-units-1024x768.png') });
        process.stdout.write(`dispatch: screenshots in ${OUTPUT}\n`);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it("records a dispatcher's disposition in the console's own audit log", async () => {
    const page = new PageClient(base);
    await page.login('disp.kim', DISPATCH_PW);
    const { hits } = await page.get<{ hits: WebHit[] }>(`${WEB_PATHS.hits}?limit=50`);
    const hit = hits.find((h) => h.unit.id === 'car12')!;
    const updated = await page.post<WebHit>(WEB_PATHS.disposition.replace(':id', hit.id), {
      disposition: 'correct_read',
      action_taken: 'observed',
      note: 'unit 12 advised',
    });
    expect(updated.disposition).toMatchObject({ value: 'correct_read', action_taken: 'observed', by: 'disp.kim' });
    const audit = consoleRows<{ username: string; action: string; query: string; outcome: string }>(
      'SELECT username, action, query, outcome FROM audit_log ORDER BY seq',
    );
    const entry = audit.find(
      (a) => a.username === 'disp.kim' && a.query.includes(hit.id) && a.query.includes('correct_read'),
    );
    expect(entry).toMatchObject({ outcome: 'allowed' });
  }, 30_000);

  it('receives the hits published while it was stopped once it starts again (persistent session)', async () => {
    await consoleProcess!.stop();
    // gate3 comes back while the console is down and publishes two hits.
    gate = new RecordedUnit(broker.url, 'gate3');
    await gate.online();
    const missed = [await gate.publishHit('MIS001', 39.75, -105.5), await gate.publishHit('MIS002', 39.76, -105.5)];
    consoleProcess!.cleanup();
    consoleProcess = await startConsole();
    const page = new PageClient(base);
    await page.login('disp.kim', DISPATCH_PW);
    const hits = await waitFor(
      async () => {
        const r = await page.get<{ hits: WebHit[] }>(`${WEB_PATHS.hits}?limit=50`);
        return missed.every((id) => r.hits.some((h) => h.id === id)) && r.hits;
      },
      10_000,
      'the missed hits on the page',
    );
    const ids = hits.map((h) => h.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      hits
        .filter((h) => h.unit.id === 'gate3')
        .map((h) => h.plate)
        .sort(),
    ).toEqual(['MIS001', 'MIS002', 'XYZ789']);
    const { units: list } = await page.get<{ units: WebUnit[] }>(WEB_PATHS.units);
    expect(list.map((u) => [u.id, u.state])).toEqual([
      ['car12', 'online'],
      ['gate3', 'online'],
    ]);
  }, 60_000);
});
