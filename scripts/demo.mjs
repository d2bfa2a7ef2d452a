#!/usr/bin/env node
// `npm run demo`: plays the bundled synthetic drive-by clip through the real daemon (ffmpeg →
// detection → tracking → vote → SQLite), prints each read as it happens, stops the daemon with
// SIGTERM like systemd would, and compares what it read with the clip's ground truth.
// No camera, no config editing: it writes its own config under var/demo/.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const truth = JSON.parse(readFileSync(join(root, 'test-fixtures', 'drive-by.json'), 'utf8'));
const state = join(root, 'var', 'demo');
rmSync(state, { recursive: true, force: true });
mkdirSync(state, { recursive: true });
const configFile = join(state, 'config.yaml');
writeFileSync(
  configFile,
  `# Written by scripts/demo.mjs: the bundled clip as a camera, everything else at its defaults.
unit:
  id: demo
  name: Demo unit (synthetic drive-by clip)
storage:
  path: ${JSON.stringify(state)}
logging:
  level: info
  log_plates: true
cameras:
  - id: demo-cam
    name: Synthetic drive-by
    url: ${JSON.stringify(join(root, 'test-fixtures', truth.file))}
    fps: 6
    width: ${truth.width}
    height: ${truth.height}
    realtime: true
    loop: false
    location: { text: "Demo road, eastbound", lat: 39.7422, lon: -105.5136 }
`,
);

console.log(
  `alpr-edge demo: ${truth.vehicles.length} vehicles in a ${truth.duration_s} s clip; expected plates: ${truth.vehicles.map((v) => v.plate).join(', ')}`,
);
console.log(`config: ${configFile}\n`);

// The node flags the systemd unit runs the daemon with (daemon/shared/node-flags.ts; plain JS here, so named again).
const daemon = spawn(
  process.execPath,
  ['--single-threaded-gc', join(root, 'bin', 'alpr-edge.js'), 'run', '--config', configFile],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const seen = [];
createInterface({ input: daemon.stdout }).on('line', (line) => {
  let rec;
  try {
    rec = JSON.parse(line);
  } catch {
    return console.log(line);
  }
  if (rec.msg === 'file source finished') setTimeout(() => daemon.kill('SIGTERM'), 2000);
  if (rec.msg === 'plate read') {
    seen.push(rec.plate);
    console.log(
      `READ  ${rec.plate.padEnd(9)} state=${rec.state ?? '??'}  confidence=${rec.confidence}  frames=${rec.frames}  camera=${rec.camera}`,
    );
  } else if (rec.level !== 'debug') {
    const { level, time, service, msg, ...rest } = rec;
    console.log(`${level.padEnd(5)} ${msg} ${JSON.stringify(rest)}`);
  }
});

// The clip plays once; the daemon is stopped as systemd would when the file ends (or, at the
// latest, after the clip's length plus a margin).
const stopAfter = (truth.duration_s + 6) * 1000;
const timer = setTimeout(() => daemon.kill('SIGTERM'), stopAfter);
daemon.on('exit', (code, signal) => {
  clearTimeout(timer);
  const expected = truth.vehicles.map((v) => v.plate);
  const found = expected.filter((p) => seen.includes(p));
  console.log(
    `\ndaemon exited (${signal ?? `code ${code}`}). Read ${found.length}/${expected.length} plates of the clip${
      found.length < expected.length ? `; missed: ${expected.filter((p) => !seen.includes(p)).join(', ')}` : ''
    }. Reads are stored in ${join(state, 'alpr-edge.db')}.`,
  );
  process.exit(code === 0 && found.length > 0 ? 0 : 1);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => daemon.kill('SIGTERM'));
