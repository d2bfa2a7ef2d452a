/**
 * Soak run (not in CI): the real daemon reads the bundled drive-by clip, looped by the real RTSP
 * test server (test/helpers/rtsp-server.ts), with every plate of the clip on its hotlist, and
 * publishes to a real Mosquitto on a free port; a subscriber counts the hits. At seeded random moments the broker is
 * restarted (away for a few seconds) or the daemon is killed with SIGKILL and started again on
 * the same state. At the end the daemon drains and stops cleanly, and the run prints reads
 * stored, hits expected and received, duplicates, out-of-order arrivals and the daemon's RSS.
 *
 *   npm run soak -- --minutes 30 [--seed 1] [--fault-gap-s 20-70] [--repeat-window-s 5] [--keep]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { ephemeralAuditKey } from './make-audit-key.js';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { DAEMON_NODE_FLAGS } from '../daemon/shared/node-flags.js';
import { EXIT_CONFIG } from '../daemon/shared/errors.js';
import { BIN, ROOT } from '../test/helpers/daemon.js';
import { RtspTestServer, rtspServerAvailability } from '../test/helpers/rtsp-server.js';
import { haveMosquitto, TestBroker } from '../test/integration/mosquitto.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    'fault-gap-s': { type: 'string', default: '20-70' },
    // The daemon's hotlists.repeat_window_s for the run: shorter than the clip's lap (about 15 s), so
    // every lap is a new pass with new hits to count; the daemon's own default (30 s) would merge laps.
    'repeat-window-s': { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
const MINUTES = Number(values.minutes);
const SEED = Number(values.seed);
const [GAP_MIN, GAP_MAX] = (values['fault-gap-s'] ?? '20-70').split('-').map(Number) as [number, number];
const REPEAT_WINDOW_MS = Number(values['repeat-window-s']) * 1000;
if (!(MINUTES > 0) || !Number.isFinite(SEED) || !(GAP_MIN > 0) || !(GAP_MAX >= GAP_MIN)) {
  console.error('usage: npm run soak -- --minutes N [--seed S] [--fault-gap-s MIN-MAX] [--repeat-window-s S] [--keep]');
  process.exit(2);
}
const rtspOk = rtspServerAvailability();
if (!rtspOk.ok || !haveMosquitto()) {
  console.error(
    `soak needs the GStreamer RTSP test server and Mosquitto: ${rtspOk.reason || '/usr/sbin/mosquitto missing'}`,
  );
  process.exit(2);
}

/** mulberry32: a small seeded PRNG, so a run's fault schedule can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(SEED);
const between = (lo: number, hi: number): number => lo + (hi - lo) * random();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const clock = (): string => `${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s`;
const say = (s: string): void => console.log(`[${clock()}] ${s}`);

const truth = JSON.parse(readFileSync(join(ROOT, 'test-fixtures', 'drive-by.json'), 'utf8')) as {
  vehicles: { plate: string }[];
  duration_s: number;
};
const PLATES = truth.vehicles.map((v) => v.plate);
const work = mkdtempSync(join(tmpdir(), 'alpr-soak-'));
const stateDir = join(work, 'state');
const hotlist = join(work, 'hotlist.csv');
writeFileSync(
  hotlist,
  `plate,state,category,reason,source,nic,entered,expires,priority,notes\n${PLATES.map(
    (p, i) => `${p},,stolen_vehicle,Soak entry ${i + 1},CBI,V${String(i + 1).padStart(9, '0')},2026-01-01,,1,`,
  ).join('\n')}\n`,
);

interface RssSample {
  life: number;
  sinceStartS: number;
  at: number;
  mb: number;
}

/** The daemon process: the same entry and flags systemd uses, on one state folder across restarts. */
class SoakDaemon {
  child: ChildProcess | undefined;
  life = 0;
  startedAt = 0;
  readonly rss: RssSample[] = [];
  readonly logCounts = new Map<string, number>();
  private readonly logFile = createWriteStream(join(work, 'daemon.log'));

  constructor(private readonly configFile: string) {}

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    this.life++;
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, BIN, 'run', '--config', this.configFile], {
      cwd: ROOT,
      env: { ...process.env, NOTIFY_SOCKET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.logFile.write(`${line}\n`);
      try {
        const msg = (JSON.parse(line) as { msg: string }).msg;
        this.logCounts.set(msg, (this.logCounts.get(msg) ?? 0) + 1);
      } catch {
        /* not a log line */
      }
    });
    child.stderr!.on('data', (d: Buffer) => this.logFile.write(d));
  }

  sampleRss(): void {
    const pid = this.child?.pid;
    if (!pid || !this.running) return;
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (kb > 0)
        this.rss.push({
          life: this.life,
          sinceStartS: (Date.now() - this.startedAt) / 1000,
          at: Date.now(),
          mb: kb / 1024,
        });
    } catch {
      /* exited meanwhile */
    }
  }

  async kill9(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    const exited = once(c, 'exit');
    c.kill('SIGKILL');
    await exited;
  }

  async term(): Promise<number | null> {
    const c = this.child;
    if (!c || !this.running) return c?.exitCode ?? null;
    const exited = once(c, 'exit') as Promise<[number | null]>;
    c.kill('SIGTERM');
    const [code] = await exited;
    return code;
  }

  count(msg: string): number {
    return this.logCounts.get(msg) ?? 0;
  }
}

interface Received {
  id: string;
  plate: string;
  entry: string;
  ts: number;
  arrivedAt: number;
}

async function main(): Promise<void> {
  say(`soak: ${MINUTES} min, seed ${SEED}, a fault every ${GAP_MIN}-${GAP_MAX} s; work folder ${work}`);
  const camera = await RtspTestServer.start();
  const broker = new TestBroker();
  await broker.start();
  const configFile = join(work, 'config.yaml');
  writeFileSync(
    configFile,
    `unit: { id: soak }
storage: { path: ${stateDir} }
api: { socket: ${join(stateDir, 'api.sock')} }
logging: { level: info, log_plates: true }
access: { audit_key_file: ${ephemeralAuditKey(work)} }
hotlists:
  sources: [{ id: clip, format: csv, file: ${hotlist} }]
  repeat_window_s: ${REPEAT_WINDOW_MS / 1000}
mqtt: { enabled: true, url: ${broker.url}, reconnect_s: 1 }
health: { interval_s: 10 }
cameras:
  - id: road
    name: Road (RTSP)
    url: ${camera.url}
    fps: 5
    backoff_initial_s: 0.5
    backoff_max_s: 5
    stall_timeout_s: 10
    location: { text: Soak road, lat: 39.74, lon: -105.51 }
`,
  );

  // Dispatch: a persistent session, so the broker keeps hits for it across its own restarts.
  const received: Received[] = [];
  const arrivals = new Map<string, number>();
  const sub = mqtt.connect(broker.url, { clientId: 'soak-dispatch', clean: false, reconnectPeriod: 500 });
  sub.on('message', (_topic, payload) => {
    const b = JSON.parse(payload.toString()) as { id: string; plate: string; ts: string; entry: { plate: string } };
    arrivals.set(b.id, (arrivals.get(b.id) ?? 0) + 1);
    received.push({ id: b.id, plate: b.plate, entry: b.entry.plate, ts: Date.parse(b.ts), arrivedAt: Date.now() });
  });
  sub.on('error', () => undefined);
  await new Promise<void>((r) => sub.once('connect', () => r()));
  await sub.subscribeAsync('alpr/soak/hits', { qos: 1 });

  const daemon = new SoakDaemon(configFile);
  daemon.start();
  const rssTimer = setInterval(() => daemon.sampleRss(), 5_000);
  const stopAt = t0 + MINUTES * 60_000;
  // No fault in the last minute (or last fifth of a short run): let everything settle.
  const quietFrom = stopAt - Math.min(60_000, (MINUTES * 60_000) / 5);
  const faults = { brokerRestarts: 0, brokerDownS: 0, kills: 0 };
  let nextFault = Date.now() + between(GAP_MIN, GAP_MAX) * 1000;
  let nextReport = Date.now() + 60_000;
  const cleanup = async (): Promise<void> => {
    clearInterval(rssTimer);
    await daemon.kill9();
    sub.end(true);
    await broker.dispose();
    await camera.stop();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    void cleanup().then(() => process.exit(130));
  });

  while (Date.now() < stopAt) {
    await sleep(250);
    if (!daemon.running) {
      if (daemon.child?.exitCode === EXIT_CONFIG) {
        // A config the daemon refuses will be refused again: say why and stop, as systemd would.
        say(`the daemon refused its config (exit ${EXIT_CONFIG}); see ${join(work, 'daemon.log')}`);
        values.keep = true;
        await cleanup();
        process.exit(1);
      }
      say(`daemon exited on its own (code ${daemon.child?.exitCode}); restarting`);
      daemon.start();
    }
    if (Date.now() >= nextReport) {
      nextReport += 60_000;
      const last = daemon.rss.at(-1);
      say(
        `hits received ${arrivals.size}, reads logged ${daemon.count('plate read')}, ` +
          `broker restarts ${faults.brokerRestarts}, kill -9 ${faults.kills}, RSS ${last ? last.mb.toFixed(0) : '?'} MB`,
      );
    }
    if (Date.now() < nextFault || Date.now() >= quietFrom) continue;
    if (random() < 0.5) {
      const downS = between(3, 30);
      say(`fault: broker down for ${downS.toFixed(1)} s`);
      await broker.stop();
      await sleep(downS * 1000);
      await broker.start();
      faults.brokerRestarts++;
      faults.brokerDownS += downS;
    } else {
      const downS = between(1, 5);
      say(`fault: kill -9 the daemon (pid ${daemon.child?.pid}), restart after ${downS.toFixed(1)} s`);
      await daemon.kill9();
      faults.kills++;
      await sleep(downS * 1000);
      daemon.start();
    }
    nextFault = Date.now() + between(GAP_MIN, GAP_MAX) * 1000;
  }

  // Drain: the broker is up; wait for the outbox to empty, then a clean stop (which drains too).
  say('run over: waiting for the outbox to drain, then SIGTERM');
  const dbFile = join(stateDir, 'alpr-edge.db');
  const query = <T>(sql: string): T[] => {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  const drainUntil = Date.now() + 60_000;
  while (Date.now() < drainUntil && query<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]!.n > 0)
    await sleep(500);
  const exitCode = await daemon.term();
  clearInterval(rssTimer);
  await sleep(2_000);

  const reads = query<{ plate: string; last_seen: number }>('SELECT plate, last_seen FROM reads ORDER BY last_seen');
  const hits = query<{ id: string; plate: string }>('SELECT id, plate FROM hits');
  const outboxLeft = query<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]!.n;
  const hotReads = reads.filter((r) => PLATES.includes(r.plate));
  const hitIds = new Set(hits.map((h) => h.id));
  const unique = [...arrivals.keys()];
  const lost = [...hitIds].filter((id) => !arrivals.has(id));
  const phantom = unique.filter((id) => !hitIds.has(id));
  const dupIds = [...arrivals.values()].reduce((n, c) => n + c - 1, 0);
  // First arrival of each hit, in arrival order.
  const firsts = received.filter((r, i) => received.findIndex((x) => x.id === r.id) === i);
  const byPlate = new Map<string, Received[]>();
  for (const r of firsts) byPlate.set(`${r.plate}|${r.entry}`, [...(byPlate.get(`${r.plate}|${r.entry}`) ?? []), r]);
  let windowDups = 0;
  let sameLapDups = 0;
  const lapMs = truth.duration_s * 1000;
  for (const list of byPlate.values()) {
    const ts = list.map((r) => r.ts).sort((a, b) => a - b);
    for (let i = 1; i < ts.length; i++) {
      if (ts[i]! - ts[i - 1]! < REPEAT_WINDOW_MS) windowDups++;
      if (ts[i]! - ts[i - 1]! < lapMs / 2) sameLapDups++;
    }
  }
  let outOfOrder = 0;
  let maxTs = -Infinity;
  for (const r of firsts) {
    if (r.ts < maxTs) outOfOrder++;
    maxTs = Math.max(maxTs, r.ts);
  }
  const lives = [...new Set(daemon.rss.map((s) => s.life))];
  // Trend: least-squares slope of RSS against time within each daemon life, from 60 s after its start.
  const slopes: { n: number; perMin: number }[] = [];
  for (const life of lives) {
    const pts = daemon.rss.filter((s) => s.life === life && s.sinceStartS >= 60);
    if (pts.length < 6) continue;
    const xs = pts.map((p) => p.sinceStartS / 60);
    const ys = pts.map((p) => p.mb);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
    const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    slopes.push({ n: pts.length, perMin: den > 0 ? num / den : 0 });
  }
  const trend = slopes.length
    ? slopes.reduce((a, s) => a + s.perMin * s.n, 0) / slopes.reduce((a, s) => a + s.n, 0)
    : Number.NaN;
  const settled = daemon.rss.filter((s) => s.sinceStartS >= 60);
  const mbs = settled.map((s) => s.mb);
  const runMin = (Date.now() - t0) / 60_000;

  console.log('');
  console.log(`soak summary (${runMin.toFixed(1)} min, seed ${SEED})`);
  console.log(
    `  faults: ${faults.brokerRestarts} broker restarts (${faults.brokerDownS.toFixed(0)} s down in all), ${faults.kills} × kill -9 + restart`,
  );
  console.log(
    `  passes offered: ~${Math.floor((runMin * 60) / truth.duration_s) * PLATES.length} (${PLATES.length} plates per ${truth.duration_s}-s lap, all hotlisted; passes while the daemon was down or starting are not seen)`,
  );
  console.log(
    `  reads stored: ${reads.length} (${hotReads.length} of hotlisted plates; others: ${reads.length - hotReads.length})`,
  );
  console.log(`  hits expected (stored reads of hotlisted plates): ${hotReads.length}; hits stored: ${hits.length}`);
  console.log(
    `  hits received: ${unique.length} unique, ${arrivals.size ? received.length : 0} messages; stored but never received: ${lost.length}; received but not stored: ${phantom.length}; outbox left: ${outboxLeft}`,
  );
  console.log(
    `  duplicates: ${dupIds} same id again; ${windowDups} same plate+entry within ${REPEAT_WINDOW_MS / 1000} s (the clip loops every ${truth.duration_s} s), ${sameLapDups} within half a lap (${(lapMs / 2000).toFixed(1)} s: one pass read twice)`,
  );
  console.log(`  out of order (read time earlier than a hit received before it): ${outOfOrder}`);
  console.log(
    `  daemon RSS (MB, ≥60 s into each of ${lives.length} runs): first ${mbs[0]?.toFixed(0) ?? '?'}, last ${mbs.at(-1)?.toFixed(0) ?? '?'}, min ${mbs.length ? Math.min(...mbs).toFixed(0) : '?'}, max ${mbs.length ? Math.max(...mbs).toFixed(0) : '?'}, trend ${Number.isFinite(trend) ? `${trend >= 0 ? '+' : ''}${trend.toFixed(2)} MB/min` : 'n/a (runs too short)'}`,
  );
  console.log(
    `  daemon log: ${daemon.count('mqtt broker lost; hits wait in the outbox')} "broker lost", ${daemon.count('mqtt broker back')} "broker back", ${daemon.count('mqtt error')} "mqtt error"; clean stop exit code ${exitCode}, "outbox sent before stop" ${daemon.count('outbox sent before stop')}`,
  );
  if (values.keep) console.log(`  kept: ${work} (daemon.log, state/alpr-edge.db)`);
  await cleanup();
}

await main();
