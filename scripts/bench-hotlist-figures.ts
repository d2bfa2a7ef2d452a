import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openDatabase, type Db } from '../daemon/store/database.js';
import { hotlistStore } from '../daemon/store/hotlist-store.js';
import { ReadPages } from '../daemon/store/read-pages.js';
import { HitStore } from '../daemon/store/hits.js';
import { ReadStore } from '../daemon/store/reads.js';
import { systemClock } from '../daemon/shared/clock.js';
import { silentLogger } from '../daemon/shared/logger.js';
import { HitRecorder } from '../daemon/alerts/hit-recorder.js';
import { Outbox } from '../daemon/alerts/outbox.js';
import { topicsFor } from '../daemon/alerts/topics.js';
import { mqttConfigSchema } from '../daemon/alerts/config.js';
import { MqttPublisher } from '../daemon/alerts/mqtt-publisher.js';
import type { ActiveList } from '../daemon/hotlist/active-list.js';
import { CATEGORIES } from '../daemon/hotlist/entry.js';
import { hotlistConfigSchema } from '../daemon/hotlist/config.js';
import { HitDecider } from '../daemon/hotlist/hit-decider.js';
import { HotlistService } from '../daemon/hotlist/hotlist-service.js';
import { Matcher } from '../daemon/hotlist/matcher.js';
import { parseList } from '../daemon/hotlist/parse.js';
import { READS_PER_PAGE, runScanYielding, scanStoredReads } from '../daemon/hotlist/retro.js';

/**
 * Hotlist and delivery figures for `npm run bench` (targets: matching ≤ 50 µs per read
 * with 1,000,000 entries + 10,000 wildcards, loading a 1,000,000-row list ≤ 5 s, read → PUBACK
 * p95 ≤ 50 ms on loopback). Each function prints its lines through `print` and returns the figure.
 * Its timers are raw, not the Clock: they measure and pace real time.
 */
// No I, O, Q (not on US plates) and no X: benchMatching's reads carry X so they never hit.
const ALNUM = 'ABCDEFGHJKLMNPRSTUVWYZ0123456789';
const LENIENT = ['amber_alert', 'missing_person', 'felony_vehicle'] as const;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function plate(r: () => number, n = 7): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[Math.floor(r() * ALNUM.length)];
  return s;
}

/**
 * A CSV list of `rows` exact plates plus `patterns` partial plates (`AB?12*` style), as bytes.
 * With `changeEvery` N, every Nth row has another plate: the same list a day later.
 */
export function syntheticList(rows: number, patterns: number, seed = 1, changeEvery = 0): Buffer {
  const r = rng(seed);
  const other = rng(seed + 1000);
  const lines = ['plate,state,category,reason,source,nic,entered,expires,priority,notes'];
  for (let i = 0; i < rows; i++) {
    const cat = CATEGORIES[i % 10]!;
    let p = plate(r);
    if (changeEvery > 0 && i % changeEvery === 0) p = plate(other);
    lines.push(`${p},CO,${cat},synthetic row ${i},CBI,V${String(i).padStart(9, '0')},2026-11-01,2027-11-01,2,`);
  }
  for (let i = 0; i < patterns; i++) {
    const p = plate(r, 5);
    const pattern =
      i % 3 === 0 ? `${p.slice(0, 2)}?${p.slice(3)}*` : i % 3 === 1 ? `*${p.slice(1)}` : `${p.slice(0, 3)}??`;
    lines.push(`${pattern},,investigation,partial ${i},CCSO,,2026-11-01,2027-11-01,1,`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The real HitRecorder over `lists`, as the daemon builds it, for the bench unit "bench". */
function benchRecorder(
  db: Db,
  lists: ActiveList[],
  opts: { outbox?: Outbox; includeCrop?: boolean } = {},
): HitRecorder {
  return new HitRecorder({
    db,
    decider: new HitDecider({ lists: { activeLists: () => lists }, history: new HitStore(db), clock: systemClock }),
    outbox: opts.outbox ?? new Outbox(db),
    topics: topicsFor('alpr', 'bench'),
    unitId: 'bench',
    clock: systemClock,
    log: silentLogger(),
    staleAfterMs: 86_400_000,
    includeCrop: opts.includeCrop ?? false,
  });
}

/**
 * Parse + index time of a `rows`-row list, as the daemon loads one (giving the event loop turns),
 * and the longest the event loop waited meanwhile: how late an alert could be during a sync.
 */
export async function benchLoad(
  print: (l: string) => void,
  rows = 1_000_000,
): Promise<{ ms: number; matcher: Matcher; maxPauseMs: number }> {
  const buf = syntheticList(rows, 10_000);
  // Collect the list's construction garbage now, not in the middle of the measured load.
  gcNow()();
  const meter = stallMeter();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const parsed = await parseList('csv', buf, 'bench.csv', 'bench');
  const t1 = process.hrtime.bigint();
  const matcher = await Matcher.build(parsed.entries, { lenientCategories: LENIENT });
  const t2 = process.hrtime.bigint();
  const stall = meter.stop();
  const ms = Number(t2 - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  const maxPauseMs = stall.wallMs;
  // CPU time beside wall time: on a shared machine the wall figure includes waiting for a core.
  print(
    `hotlist load: ${parsed.entries.length.toLocaleString('en-US')} rows (${(buf.length / 1e6).toFixed(0)} MB CSV) parsed in ${(Number(t1 - t0) / 1e6).toFixed(0)} ms, indexed in ${(Number(t2 - t1) / 1e6).toFixed(0)} ms, total ${(ms / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (target ≤ 5 s)`,
  );
  print(
    `  event loop meanwhile: longest wait ${maxPauseMs.toFixed(0)} ms wall (${stall.cpuMs.toFixed(0)} ms of CPU), p99 ${stall.p99Ms.toFixed(0)} ms (it gives a turn every few ms of work; alerts publish in between; target ≤ 100 ms)`,
  );
  return { ms, matcher, maxPauseMs };
}

/**
 * CPU time the main thread has run, in ms: Linux's schedstat for this thread (the process-wide
 * process.cpuUsage() also counts the thread pool reading the file), else cpuUsage. The file stays
 * open: the meter reads it every millisecond and should not cost much itself.
 */
function mainThreadCpu(): { read(): number; close(): void } {
  try {
    const fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
    const buf = Buffer.alloc(128);
    return {
      read: () => Number(buf.toString('latin1', 0, readSync(fd, buf, 0, 128, 0)).split(' ')[0]) / 1e6,
      close: () => closeSync(fd),
    };
  } catch {
    return {
      read: () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      },
      close: () => {},
    };
  }
}

/**
 * The event loop's longest wait, in wall time (monitorEventLoopDelay) and in CPU time: what the
 * main thread ran between two consecutive 1-ms timer callbacks. On a shared machine the wall
 * figure includes time spent waiting for a core; the CPU figure is what a quiet unit would see.
 */
function stallMeter(): { stop(): { wallMs: number; p99Ms: number; cpuMs: number } } {
  const wall = monitorEventLoopDelay({ resolution: 5 });
  wall.enable();
  const cpu = mainThreadCpu();
  let last = cpu.read();
  let cpuMs = 0;
  const timer = setInterval(() => {
    const now = cpu.read();
    cpuMs = Math.max(cpuMs, now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      cpu.close();
      wall.disable();
      return { wallMs: wall.max / 1e6, p99Ms: wall.percentile(99) / 1e6, cpuMs };
    },
  };
}

/** The V8 heap in use, in MB, after a full collection when the bench can ask for one. */
function heapMb(collect: () => void): number {
  collect();
  return getHeapStatistics().used_heap_size / 1e6;
}

/** A full garbage collection, for heap figures that do not depend on when V8 last collected. */
function gcNow(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return gc ?? (() => {});
}

/**
 * A refresh as the daemon runs one: a HotlistService with the `rows`-row list in use from a file
 * source loads the next day's version (1 % of rows changed) beside it: parse, index, the diff
 * against the old version, the swap and the retrospective scan of the new entries (an empty read
 * store here: benchRetro measures the scan). Prints the wall time, the event loop's longest wait,
 * and the heap in use before, at its highest during, and after the refresh.
 */
export async function benchRefresh(
  print: (l: string) => void,
  rows = 1_000_000,
): Promise<{ ms: number; maxPauseMs: number; cpuPauseMs: number; growthMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  const collect = gcNow();
  try {
    const file = join(dir, 'list.csv');
    writeFileSync(file, syntheticList(rows, 10_000));
    const config = hotlistConfigSchema.parse({
      sources: [{ id: 'bench', format: 'csv', file }],
      lenient_categories: [...LENIENT],
    });
    const svc = new HotlistService({
      store: hotlistStore(db),
      config,
      storagePath: dir,
      clock: systemClock,
      log: silentLogger(),
      retroHits: benchRecorder(db, [], {}),
    });
    await svc.syncNow();
    writeFileSync(file, syntheticList(rows, 10_000, 1, 100));
    const before = heapMb(collect);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, getHeapStatistics().used_heap_size / 1e6);
    }, 5);
    const meter = stallMeter();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await svc.syncNow();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(c0);
    const stall = meter.stop();
    clearInterval(sampler);
    const after = heapMb(collect);
    const maxPauseMs = stall.wallMs;
    const status = svc.status().sources[0]!;
    print(
      `hotlist refresh beside the version in use: ${status.entries.toLocaleString('en-US')} entries (1 % changed) in ${(ms / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU; event loop's longest wait ${maxPauseMs.toFixed(0)} ms wall (${stall.cpuMs.toFixed(0)} ms of CPU), p99 ${stall.p99Ms.toFixed(0)} ms (target ≤ 100 ms)`,
    );
    print(
      `  heap in use: ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at most during (+${(peak - before).toFixed(0)} MB), ${after.toFixed(0)} MB after${status.last_error ? `; error: ${status.last_error}` : ''}`,
    );
    return { ms, maxPauseMs, cpuPauseMs: stall.cpuMs, growthMb: peak - before };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Cost of HitRecorder.onRead for reads that hit nothing (the common case), through the real recorder. */
export function benchMatching(print: (l: string) => void, matcher: Matcher, reads = 200_000): number {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    const lists: ActiveList[] = [{ sourceId: 'bench', versionId: 'bench@1', asOf: Date.now(), matcher }];
    const recorder = benchRecorder(db, lists);
    const r = rng(99);
    // An X at both ends (never in the list's alphabet) keeps every read on the no-hit path, as on
    // the road, while prefixes, suffixes and confusable keys still reach the index buckets.
    const input = Array.from({ length: reads }, (_, i) => ({
      id: `r${i}`,
      cameraId: 'front',
      plate: `X${plate(r, 5)}X`,
      state: i % 4 === 0 ? null : 'CO',
      confidence: 0.9,
      lastSeen: 0,
    }));
    for (let i = 0; i < 20_000; i++) recorder.onRead(input[i]!);
    let hits = 0;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const read of input) hits += recorder.onRead(read).length === 0 ? 0 : 1;
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / reads;
    const cpu = process.cpuUsage(c0);
    const cpuUs = (cpu.user + cpu.system) / reads;
    print(
      `hotlist matching: ${us.toFixed(2)} µs per read wall (${cpuUs.toFixed(2)} µs CPU) over ${reads.toLocaleString('en-US')} reads against ${matcher.size.toLocaleString('en-US')} entries incl. ${matcher.patternCount.toLocaleString('en-US')} wildcards, lenient on ${LENIENT.join('/')} (${hits} wildcard/lenient hits; target ≤ 50 µs)`,
    );
    return us;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A new list version's retrospective scan of the stored reads (a first sync matches every entry
 * against every read of the 21-day window), as the daemon runs it: page by page with event-loop
 * turns between. `reads` spread over 20 days; prints the wall time and the longest loop wait.
 */
export async function benchRetro(
  print: (l: string) => void,
  matcher: Matcher,
  reads = 300_000,
): Promise<{ ms: number; maxPauseMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    const now = Date.now();
    const store = new ReadStore(db);
    const r = rng(7);
    db.transaction(() => {
      for (let i = 0; i < reads; i++) {
        const at = now - Math.floor(((reads - i) / reads) * 20 * 86_400_000);
        const read = {
          id: `r${i}`,
          cameraId: 'front',
          text: plate(r),
          confidence: 0.9,
          alternatives: [],
          state: 'CO',
          firstSeen: at,
          lastSeen: at,
          frames: 3,
          cropJpeg: new Uint8Array(0),
          box: { x: 0, y: 0, w: 90, h: 30 },
          frameWidth: 1280,
          frameHeight: 720,
        };
        store.insert(read, { text: '' }, at, { withCrop: false });
      }
    })();
    const recorder = benchRecorder(db, []);
    const pauses = monitorEventLoopDelay({ resolution: 5 });
    pauses.enable();
    const t0 = process.hrtime.bigint();
    const hits = await runScanYielding(
      scanStoredReads(
        new ReadPages(db),
        recorder,
        { sourceId: 'bench', versionId: 'bench@1', asOf: now, matcher },
        now - 21 * 86_400_000,
        now,
      ),
    );
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    pauses.disable();
    const maxPauseMs = pauses.max / 1e6;
    print(
      `retrospective scan: ${reads.toLocaleString('en-US')} stored reads against ${matcher.size.toLocaleString('en-US')} new entries in ${(ms / 1000).toFixed(2)} s wall (${hits.length} hits raised); event loop's longest wait ${maxPauseMs.toFixed(0)} ms (pages of ${READS_PER_PAGE})`,
    );
    return { ms, maxPauseMs };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Time from storing a read to the broker's PUBACK of its hit message (ReadStore.insert →
 * HitRecorder.onRead → outbox → MqttPublisher → PUBACK), one read every `gapMs`.
 */
export async function benchPubackLatency(
  print: (l: string) => void,
  brokerUrl: string,
  count = 300,
  gapMs = 5,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  const outbox = new Outbox(db);
  const topics = topicsFor('alpr', 'bench');
  const matcher = new Matcher(
    [
      {
        key: 'b:1',
        plate: 'HOT1234',
        state: 'CO',
        category: 'stolen_vehicle',
        reason: 'bench',
        source: 'CBI',
        nic: null,
        ori: null,
        caseNumber: null,
        entered: null,
        expires: null,
        priority: null,
        notes: '',
      },
    ],
    { lenientCategories: [] },
  );
  const recorder = benchRecorder(db, [{ sourceId: 'b', versionId: 'b@1', asOf: Date.now(), matcher }], {
    outbox,
    includeCrop: true,
  });
  const publisher = new MqttPublisher({
    config: { ...mqttConfigSchema.parse(undefined), enabled: true, url: brokerUrl },
    unitId: 'bench',
    topics,
    outbox,
    clock: systemClock,
    log: silentLogger(),
  });
  const ctl = new AbortController();
  const started = new Map<string, bigint>();
  const latencies: number[] = [];
  publisher.onDelivered((m) => {
    const t = started.get(m.refId);
    if (t !== undefined) latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  });
  try {
    await publisher.start(ctl.signal);
    const until = Date.now() + 10_000;
    while (!publisher.connected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    if (!publisher.connected) throw new Error(`no broker at ${brokerUrl}`);
    const reads = new ReadStore(db);
    const crop = new Uint8Array(12_000).fill(0x55);
    for (let i = 0; i < count; i++) {
      const now = Date.now();
      const read = {
        id: randomUUID(),
        cameraId: 'front',
        text: 'HOT1234',
        confidence: 0.93,
        alternatives: [],
        state: 'CO',
        firstSeen: now - 400,
        lastSeen: now,
        frames: 5,
        cropJpeg: crop,
        box: { x: 0, y: 0, w: 120, h: 40 },
        frameWidth: 1280,
        frameHeight: 720,
      };
      const t0 = process.hrtime.bigint();
      reads.insert(read, { text: 'bench' }, now);
      for (const h of recorder.onRead({ ...read, plate: read.text })) started.set(h.hitId, t0);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    const until2 = Date.now() + 10_000;
    while (latencies.length < count && Date.now() < until2) await new Promise((r) => setTimeout(r, 20));
  } finally {
    ctl.abort();
    await publisher.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  print(
    `read → PUBACK on loopback: p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${q(1).toFixed(2)} ms over ${latencies.length}/${count} hits with a 12 KB crop (target p95 ≤ 50 ms)`,
  );
  return q(0.95);
}
