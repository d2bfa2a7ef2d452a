// CPU cost of one live viewer: the relay's own ffmpeg (daemon/live/relay-args.ts, the exact flags
// the daemon uses) decoding the bundled 1280×720 clip in real time and encoding it as MPEG-1 at
// 1280×720, 25 fps. Several viewers of one camera share this one process; each viewer adds only
// the bytes sent (printed as kbit/s).
// usage: npx tsx scripts/live-cost.ts [SECONDS=30] [CLIP=test-fixtures/drive-by.mp4]
// Prints the process's CPU seconds (user + system, from /proc/PID/stat) over wall seconds, as a
// share of one core. CPU time, not wall time: on a busy machine waiting for a core costs nothing.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { resolveFfmpegPath } from '../daemon/camera/ffmpeg-path.js';
import { cameraSchema } from '../daemon/config/camera-schema.js';
import { buildRelayArgs } from '../daemon/live/relay-args.js';

const seconds = Number(process.argv[2] ?? 30);
const clip = resolve(process.argv[3] ?? resolve(import.meta.dirname, '../test-fixtures/drive-by.mp4'));
const camera = cameraSchema.parse({ id: 'front', name: 'Front', url: clip, loop: true, width: 1280, height: 720 });
const ffmpeg = resolveFfmpegPath();
const args = buildRelayArgs(camera);
const ticks = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime is the 14th field, stime the 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / ticks;
}

const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'inherit'] });
let bytes = 0;
child.stdout.on('data', (d: Buffer) => {
  bytes += d.length;
});
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const cpu = cpuSeconds(child.pid!);
const wall = (performance.now() - t0) / 1000;
child.kill('SIGTERM');
console.log(`ffmpeg ${ffmpeg} ${args.join(' ')}`);
console.log(`cpu: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`);
console.log(
  `one live relay: ${cpu.toFixed(1)} s CPU in ${wall.toFixed(1)} s = ${((100 * cpu) / wall).toFixed(0)}% of one core; ` +
    `${((bytes * 8) / wall / 1000).toFixed(0)} kbit/s to each viewer`,
);
