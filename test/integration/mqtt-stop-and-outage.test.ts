import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { createLogger } from '../../daemon/shared/logger.js';
import { announceSkip } from '../helpers/skip.js';
import { edgeParts, UNIT } from './edge-parts.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';

const run = haveMosquitto() ? describe : describe.skip;
if (!haveMosquitto()) announceSkip('MQTT stop and outage tests', '/usr/sbin/mosquitto is not installed');

interface Line {
  level: string;
  msg: string;
  [k: string]: unknown;
}

async function until(f: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

run('MQTT publisher stop and broker outages (real Mosquitto)', () => {
  let broker: TestBroker;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alpr-mqtt-stop-'));
    broker = new TestBroker();
    await broker.start();
  });
  afterEach(async () => {
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the hits committed just before a clean stop, acknowledged, before stop() returns', async () => {
    const got: string[] = [];
    const sub = mqtt.connect(broker.url, { clientId: 'dispatch-stop' });
    sub.on('message', (_t, payload) => got.push((JSON.parse(payload.toString()) as { id: string }).id));
    await new Promise<void>((r) => sub.once('connect', () => r()));
    await sub.subscribeAsync(`alpr/${UNIT}/hits`, { qos: 1 });
    const lines: Line[] = [];
    const parts = edgeParts(
      join(dir, 'edge.db'),
      broker.url,
      createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as Line) }),
    );
    const publisher = parts.publisher();
    const daemonStop = new AbortController();
    await publisher.start(daemonStop.signal);
    await until(() => publisher.connected, 5_000, 'the publisher to connect');

    // As main.ts stops: the stop signal first, then the cameras finalise the vehicles in view
    // (their hits committed), then the publisher's stop().
    daemonStop.abort(new Error('stopping: SIGTERM'));
    const ids = Array.from({ length: 20 }, (_, i) => parts.readHotPlate(i).hitId);
    const t0 = performance.now();
    await publisher.stop();
    const stopMs = performance.now() - t0;

    expect(parts.outbox.depth()).toBe(0);
    await until(() => ids.every((id) => got.includes(id)), 5_000, 'the subscriber to receive every hit');
    expect(stopMs).toBeLessThan(5_000);
    expect(lines.find((l) => l.msg === 'outbox sent before stop')).toMatchObject({ sent: 20, left: 0 });
    await sub.endAsync();
    parts.db.close();
  });

  it('logs one line when the broker is lost and one when it is back, with the outage length; the failed reconnects are counted, not printed', async () => {
    const lines: Line[] = [];
    const parts = edgeParts(
      join(dir, 'edge.db'),
      broker.url,
      createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as Line) }),
    );
    const publisher = parts.publisher({ reconnect_s: 0.2 });
    await publisher.start(new AbortController().signal);
    await until(() => publisher.connected, 5_000, 'the publisher to connect');

    await broker.stop();
    // 3 s at one attempt every 0.2 s: about 15 refused connections.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(publisher.connected).toBe(false);
    await broker.start();
    await until(() => publisher.connected, 10_000, 'the publisher to reconnect');
    await new Promise((r) => setTimeout(r, 100));

    const mqttLines = lines.filter((l) => l.component === undefined && /mqtt/.test(l.msg));
    expect(mqttLines.map((l) => l.msg)).toEqual([
      'mqtt connected',
      'mqtt broker lost; hits wait in the outbox',
      'mqtt broker back',
    ]);
    const back = mqttLines[2]!;
    expect(back.outage_s).toBeGreaterThanOrEqual(2.9);
    expect(back.outage_s).toBeLessThan(10);
    expect(back.reconnect_attempts).toBeGreaterThanOrEqual(5);
    expect(Object.keys(back.errors as object).some((e) => /ECONNREFUSED/.test(e))).toBe(true);
    // Nothing else about the link at warn or above through the whole outage.
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error')).toHaveLength(1);
    await publisher.stop();
    parts.db.close();
  }, 30_000);
});
