// `npm run bench [-- --only reading|hotlist|governance]`: prints figures, asserts nothing.
// Reading path: per-frame CPU ms (detect, read, total) at 1280×720 and 1920×1080 on frames of the
// bundled drive-by clip, the frame rate one camera sustains, and peak RSS. Then the hotlist/MQTT
// and governance figures. Medians and p90s: this machine is shared and noisy.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { createInProcessAnalyzer } from '../daemon/vision/analyzer-factory.js';
import { percentile } from '../daemon/vision/eval-dataset.js';
import { resolveFfmpegPath } from '../daemon/camera/ffmpeg-path.js';
import { CameraPipeline } from '../daemon/pipeline/camera-pipeline.js';
import { pipelineConfigSchema } from '../daemon/pipeline/config.js';
import { cameraSchema } from '../daemon/config/camera-schema.js';
import { visionConfigSchema } from '../daemon/vision/config.js';
import { systemClock } from '../daemon/shared/clock.js';
import { silentLogger } from '../daemon/shared/logger.js';
import { ephemeralAuditKey } from './make-audit-key.js';
import { DAEMON_NODE_FLAGS } from '../daemon/shared/node-flags.js';
import type { RgbImage } from '../daemon/vision/image.js';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const readers = (
  process.argv.includes('--readers')
    ? process.argv[process.argv.indexOf('--readers') + 1]!
    : visionConfigSchema.parse(undefined).reader
).split(',');
const fmt = (x: number): string => x.toFixed(1);

/** Decodes the clip at `fps` and `width`×`height` into rgb frames (ffmpeg, as the camera room does). */
function decodeClip(width: number, height: number, fps: number): RgbImage[] {
  const r = spawnSync(
    resolveFfmpegPath(),
    [
      '-loglevel',
      'error',
      '-i',
      join(root, 'test-fixtures', 'drive-by.mp4'),
      '-vf',
      `fps=${fps},scale=${width}:${height}`,
      '-pix_fmt',
      'rgb24',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { maxBuffer: 1 << 30 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  const size = width * height * 3;
  const frames: RgbImage[] = [];
  for (let o = 0; o + size <= r.stdout.length; o += size)
    frames.push({ width, height, data: new Uint8Array(r.stdout.subarray(o, o + size)) });
  return frames;
}

async function benchReading(): Promise<void> {
  console.log('== reading path (one thread, in-process: the same code each worker runs)');
  for (const reader of readers) {
    const analyzer = await createInProcessAnalyzer(visionConfigSchema.parse({ reader }), silentLogger());
    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      const frames = decodeClip(w, h, 4);
      await analyzer.analyzeFrame(frames[0]!);
      const cpu: number[] = [];
      const det: number[] = [];
      const read: number[] = [];
      let withPlates = 0;
      for (const f of frames) {
        const c0 = process.cpuUsage();
        const r = await analyzer.analyzeFrame(f);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        det.push(r.timing.detectMs);
        read.push(r.timing.readMs);
        if (r.plates.length) withPlates++;
      }
      console.log(
        `${reader} ${w}×${h}, ${frames.length} frames (${withPlates} with a plate): detect median ${fmt(percentile(det, 0.5))} ms (p90 ${fmt(percentile(det, 0.9))}), ` +
          `read median ${fmt(percentile(read, 0.5))} ms (p90 ${fmt(percentile(read, 0.9))}), total CPU median ${fmt(percentile(cpu, 0.5))} ms (p90 ${fmt(percentile(cpu, 0.9))}) per frame ` +
          `→ ${fmt(1000 / percentile(cpu, 0.5))} analysed frames/s per core`,
      );
    }
    // One camera, whole pipeline (motion gate, tracking, vote, crops), frames back to back.
    const frames = decodeClip(1280, 720, 5);
    const camera = cameraSchema.parse({ id: 'bench', name: 'bench', url: '/dev/null' });
    let reads = 0;
    const pipeline = new CameraPipeline(
      camera,
      pipelineConfigSchema.parse({}),
      analyzer,
      { accept: async () => void reads++ },
      systemClock,
      silentLogger(),
    );
    const t0 = performance.now();
    let ts = Date.now();
    for (const [i, f] of frames.entries()) {
      ts += 200;
      await pipeline.onFrame({ cameraId: 'bench', seq: i, ts, ...f });
    }
    await pipeline.stop();
    const s = (performance.now() - t0) / 1000;
    console.log(
      `${reader} one camera, 1280×720 clip at 5 fps through the whole pipeline: ${frames.length} frames in ${fmt(s)} s = ${fmt(frames.length / s)} frames/s sustained ` +
        `(${pipeline.stats.framesSkippedNoMotion} skipped by the motion gate, ${reads} reads)`,
    );
    await analyzer.close();
  }
  await benchDaemonMemory();
}

/** Peak RSS (VmHWM) of the real daemon process, worker thread included, over one pass of the clip. */
async function benchDaemonMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-bench-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `unit: { id: bench }\nstorage: { path: ${dir} }\naccess: { audit_key_file: ${ephemeralAuditKey(dir)} }\napi: { socket: ${join(dir, 'api.sock')} }\ncameras:\n  - { id: clip, name: clip, url: ${join(root, 'test-fixtures', 'drive-by.mp4')}, fps: 5, location: { text: Bench road, lat: 39.74, lon: -105.51 } }\n`,
  );
  const child = spawn(
    process.execPath,
    [...DAEMON_NODE_FLAGS, join(root, 'bin', 'alpr-edge.js'), 'run', '--config', config],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let peak = 0;
  const sample = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 250);
  let reads = 0;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.includes('"plate read"')) reads++;
    if (line.includes('file source finished')) setTimeout(() => child.kill('SIGTERM'), 2500);
  });
  await once(child, 'exit');
  clearInterval(sample);
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `daemon (one camera, 1280×720 at 5 fps, one vision worker): peak RSS ${fmt(peak / 1024)} MiB over one pass of the clip (${reads} reads)`,
  );
}

if (!only || only === 'reading') await benchReading();
if (only === 'memory') await benchDaemonMemory();
if (!only || only === 'hotlist') {
  console.log('\n== hotlists and MQTT');
  const { runHotlistBench } = await import('./bench-hotlist.js');
  await runHotlistBench(console.log);
}
if (!only || only === 'governance') {
  console.log('\n== governance');
  const { benchGovernance } = await import('./bench-governance.js');
  await benchGovernance({ log: console.log });
}
console.log(`\npeak RSS of the bench process: ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`);
