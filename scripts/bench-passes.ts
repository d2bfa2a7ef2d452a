/**
 * Reads and hits per vehicle pass on the bundled drive-by clip, served over RTSP in a loop to the
 * real daemon, optionally beside busy loops that keep the CPU saturated:
 *
 *   npx tsx scripts/bench-passes.ts [--seconds 90] [--busy 2] [--fps 5] [--repeat-window 5]
 *
 * Every plate of the clip is on the hotlist, so each pass should give one read and one hit. The
 * clip comes round every 14.6 s, sooner than the default hotlists.repeat_window_s (30 s) would
 * count a plate as a new pass, so the window is 5 s here: still longer than any split of a pass
 * (`--repeat-window none` leaves the key out, for a daemon that predates it).
 * A pass is a plate's reads less than half a lap apart. Prints, per plate and overall, the passes,
 * the reads and hits per pass, the extra reads and hits (beyond one per pass), and the reads whose
 * text is none of the clip's plates.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DaemonProcess, type LogLine, ROOT } from '../test/helpers/daemon.js';
import { RtspTestServer, rtspServerAvailability } from '../test/helpers/rtsp-server.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '90' },
    busy: { type: 'string', default: '0' },
    fps: { type: 'string', default: '5' },
    'repeat-window': { type: 'string', default: '5' },
  },
});
const seconds = Number(values.seconds);
const busy = Number(values.busy);
const truth = JSON.parse(readFileSync(join(ROOT, 'test-fixtures', 'drive-by.json'), 'utf8')) as {
  vehicles: { plate: string; readable_to_s: number }[];
  duration_s: number;
};
const plates = truth.vehicles.map((v) => v.plate);
const lapMs = truth.duration_s * 1000;

const rtsp = rtspServerAvailability();
if (!rtsp.ok) {
  console.log(`bench-passes: skipped, ${rtsp.reason}`);
  process.exit(0);
}

const loops: ChildProcess[] = [];
for (let i = 0; i < busy; i++) loops.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
const server = await RtspTestServer.start();
const listDir = mkdtempSync(join(tmpdir(), 'alpr-passes-'));
const hotlist = join(listDir, 'hotlist.csv');
writeFileSync(
  hotlist,
  `plate,state,category,reason,source,nic,entered,expires,priority,notes\n${plates
    .map((p) => `${p},,stolen_vehicle,Bench,CBI,V1,2026-01-01,,1,`)
    .join('\n')}\n`,
);
let daemon: DaemonProcess | undefined;
try {
  daemon = DaemonProcess.start(`
unit: { id: passes }
storage: { path: $STATE }
logging: { level: debug, log_plates: true }
hotlists:
  sources: [{ id: clip, format: csv, file: ${hotlist} }]${values['repeat-window'] === 'none' ? '' : `\n  repeat_window_s: ${Number(values['repeat-window'])}`}
mqtt: { enabled: false }
cameras:
  - id: road
    name: Road (RTSP)
    url: ${server.url}
    fps: ${Number(values.fps)}
    stall_timeout_s: 5
    location: { text: Bench road, lat: 39.74, lon: -105.51 }
`);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const stopAt = Date.now();
  await daemon.stop('SIGTERM');
  // The server starts the clip for its first client, so the laps count from the first frame.
  const at = (l: LogLine) => Date.parse(String(l.time)); // pino writes ISO times
  const firstFrame = daemon.logs.find((l) => l.msg === 'camera connected: first frame');
  const connectedAt = firstFrame ? at(firstFrame) : Number.NaN;
  let expected = 0;
  if (Number.isFinite(connectedAt))
    for (let lap = 0; ; lap++) {
      const start = connectedAt + lap * lapMs;
      if (start >= stopAt) break;
      expected += truth.vehicles.filter((v) => start + v.readable_to_s * 1000 <= stopAt).length;
    }
  const reads = daemon.query<{ id: string; plate: string; first_seen: number; frames: number; confidence: number }>(
    'SELECT id, plate, first_seen, frames, confidence FROM reads ORDER BY first_seen',
  );
  const hits = daemon.query<{ plate: string; read_id: string }>('SELECT plate, read_id FROM hits');
  const hitsByRead = new Map<string, number>();
  for (const h of hits) hitsByRead.set(h.read_id, (hitsByRead.get(h.read_id) ?? 0) + 1);

  // A pass the pipeline dropped still counts as a pass (one with no read), found by its log line.
  const dropped = daemon.logs.filter((l) => /dropped$/.test(l.msg) && l.component === 'pipeline');
  let passes = 0;
  let lost = 0;
  let truthReads = 0;
  let truthHits = 0;
  const lines: string[] = [];
  for (const p of plates) {
    const events = [
      ...reads.filter((r) => r.plate === p).map((r) => ({ t: r.first_seen, id: r.id as string | null })),
      ...dropped.filter((l) => l.plate === p).map((l) => ({ t: at(l), id: null })),
    ].sort((a, b) => a.t - b.t);
    const groups: (typeof events)[] = [];
    for (const e of events) {
      const last = groups[groups.length - 1];
      if (last && e.t - last[last.length - 1]!.t < lapMs / 2) last.push(e);
      else groups.push([e]);
    }
    const stored = (g: typeof events) => g.filter((e) => e.id !== null).length;
    const h = events.reduce((s, e) => s + (e.id ? (hitsByRead.get(e.id) ?? 0) : 0), 0);
    const noRead = groups.filter((g) => stored(g) === 0).length;
    passes += groups.length;
    lost += noRead;
    truthReads += events.filter((e) => e.id !== null).length;
    truthHits += h;
    lines.push(
      `  ${p}: ${groups.length} passes, ${groups.reduce((s, g) => s + stored(g), 0)} reads (${groups.map(stored).join('+')}), ${h} hits${noRead ? `, ${noRead} passes without a read` : ''}`,
    );
  }
  const other = reads.filter((r) => !plates.includes(r.plate));
  console.log(
    `bench-passes: ${seconds} s of the clip over RTSP at ${values.fps} fps, ${busy} busy loop(s) beside the daemon, repeat window ${values['repeat-window']} s`,
  );
  console.log(
    `  the camera's first frame came ${Number.isFinite(connectedAt) ? `${((connectedAt - stopAt) / 1000 + seconds).toFixed(1)} s after the start: about ${expected} passes were readable` : 'never'}`,
  );
  for (const l of lines) console.log(l);
  console.log(
    `passes ${passes} (${lost} without a read); reads of the clip's plates ${truthReads} (${(truthReads / Math.max(1, passes)).toFixed(2)} per pass, ${truthReads - (passes - lost)} extra); hits ${truthHits} (${truthHits - (passes - lost)} extra)`,
  );
  console.log(
    `other reads ${other.length}${other.length ? `: ${other.map((r) => `${r.plate} (${r.frames} f, ${r.confidence.toFixed(2)})`).join(', ')}` : ''}`,
  );
  console.log(
    `passes dropped by the pipeline ${dropped.length}${dropped.length ? `: ${dropped.map((l) => `${l.plate} (${l.reason ?? 'below min_confidence'}, ${l.frames ?? '?'} f, ${Number(l.confidence).toFixed(2)})`).join(', ')}` : ''}`,
  );
  if (reads.length === 0)
    console.log(
      `no reads; the daemon's last words: ${JSON.stringify(daemon.logs.slice(-8))} ${daemon.stderr.slice(-2000)}`,
    );
  console.log(
    `frames per read of the clip's plates: ${reads
      .filter((r) => plates.includes(r.plate))
      .map((r) => r.frames)
      .join(' ')}`,
  );
} finally {
  for (const l of loops) l.kill('SIGKILL');
  daemon?.cleanup();
  rmSync(listDir, { recursive: true, force: true });
  await server.stop();
}
