/**
 * `npm run demo`: the whole path a user cares about, on a fresh machine with nothing configured.
 * Plays the bundled synthetic drive-by clip through the real daemon (ffmpeg → detection → tracking
 * → vote → SQLite), with one of the clip's plates on a demo hotlist, and prints each read and the
 * hit exactly as dispatch receives it over MQTT (topic and payload). Without `--mqtt URL` it starts
 * an embedded MQTT broker (aedes) on a free loopback port; with one it uses that broker.
 * The daemon is stopped with SIGTERM as systemd would once the clip has played.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { DAEMON_NODE_FLAGS } from '../daemon/shared/node-flags.js';
import { demoState, demoTruth, writeDemoConfig } from './demo-config.js';

const root = join(import.meta.dirname, '..');
const truth = demoTruth();
const wanted = truth.vehicles[1] ?? truth.vehicles[0]!;
const state = demoState;
const argMqtt = process.argv.indexOf('--mqtt');
const externalBroker = argMqtt > 0 ? process.argv[argMqtt + 1] : process.env.ALPR_DEMO_MQTT;

async function startEmbeddedBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => broker.close(() => resolve()));
      }),
  };
}

/** A hit as dispatch sees it, with the base64 crop shortened so the terminal stays readable. */
function showMessage(topic: string, payload: Buffer): void {
  const text = payload.toString();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // status messages may be plain text
  }
  if (body && typeof body === 'object' && 'crop_jpeg_base64' in body && typeof body.crop_jpeg_base64 === 'string') {
    body = {
      ...body,
      crop_jpeg_base64: `${body.crop_jpeg_base64.slice(0, 24)}… (${body.crop_jpeg_base64.length} characters)`,
    };
  }
  console.log(`\nMQTT ${topic}\n${JSON.stringify(body, null, 2)}\n`);
}

const broker = externalBroker ? undefined : await startEmbeddedBroker();
const brokerUrl = externalBroker ?? broker!.url;
const configFile = writeDemoConfig({ brokerUrl, hotlistPlate: wanted });
console.log(
  `alpr-edge demo: ${truth.vehicles.length} vehicles in a ${truth.duration_s} s clip (${truth.vehicles.map((v) => v.plate).join(', ')});`,
);
console.log(`${wanted.plate} is on the demo hotlist. Broker: ${brokerUrl}${broker ? ' (embedded)' : ''}.`);
console.log(`config: ${configFile}\n`);

// Dispatch's side: everything the unit publishes under alpr/demo/.
const dispatch = await mqtt.connectAsync(brokerUrl, { clientId: `demo-dispatch-${process.pid}`, reconnectPeriod: 500 });
const hits: string[] = [];
dispatch.on('message', (topic, payload) => {
  if (topic.endsWith('/hits')) {
    hits.push((JSON.parse(payload.toString()) as { plate: string }).plate);
    showMessage(topic, payload);
  }
});
await dispatch.subscribeAsync('alpr/demo/hits', { qos: 1 });

const daemon = spawn(
  process.execPath,
  [...DAEMON_NODE_FLAGS, join(root, 'bin', 'alpr-edge.js'), 'run', '--config', configFile],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
const seen: string[] = [];
let clipEnded = false;
createInterface({ input: daemon.stdout }).on('line', (line) => {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    console.log(line);
    return;
  }
  // Once the clip has played, stop as systemd would: when every plate has been read (the last
  // vehicle's read comes once it has left the picture), or after a few seconds at most.
  if (rec.msg === 'file source finished') {
    clipEnded = true;
    setTimeout(() => daemon.kill('SIGTERM'), 10_000);
  }
  if (rec.msg === 'plate read') {
    seen.push(String(rec.plate));
    if (clipEnded && truth.vehicles.every((v) => seen.includes(v.plate))) setTimeout(() => daemon.kill('SIGTERM'), 500);
    console.log(
      `READ  ${String(rec.plate).padEnd(9)} state=${rec.state ?? '??'}  confidence=${rec.confidence}  frames=${rec.frames}  camera=${rec.camera}`,
    );
  } else if (rec.level !== 'debug') {
    const { level, time, service, msg, ...rest } = rec;
    console.log(`${String(level).padEnd(5)} ${msg} ${JSON.stringify(rest)}`);
  }
});

// The clip plays once; stop the daemon as systemd would when the file ends (or at the latest
// after the clip's length plus a margin).
const timer = setTimeout(() => daemon.kill('SIGTERM'), (truth.duration_s + 20) * 1000);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => daemon.kill('SIGTERM'));
const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
  daemon.on('exit', (c, s) => resolve([c, s])),
);
clearTimeout(timer);
// A hit sent just before the exit may still be on its way to this subscriber.
await new Promise((r) => setTimeout(r, 500));
await dispatch.endAsync();
await broker?.close();

const expected = truth.vehicles.map((v) => v.plate);
const found = expected.filter((p) => seen.includes(p));
const missed = expected.filter((p) => !seen.includes(p));
console.log(
  `daemon exited (${signal ?? `code ${code}`}). Read ${found.length}/${expected.length} plates of the clip${missed.length ? `; missed: ${missed.join(', ')}` : ''}.`,
);
console.log(
  hits.includes(wanted.plate)
    ? `Dispatch received the hit for ${wanted.plate} (above): unverified until confirmed with the state bureau.`
    : `Dispatch received no hit for ${wanted.plate}.`,
);
console.log(`Reads are stored in ${join(state, 'alpr-edge.db')}.`);
process.exit(code === 0 && found.length > 0 && hits.includes(wanted.plate) ? 0 : 1);
