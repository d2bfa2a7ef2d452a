import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { VERIFICATION_NOTICE } from '../../daemon/alerts/payloads.js';
import { edgeParts, UNIT } from './edge-parts.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';
import { announceSkip } from '../helpers/skip.js';

const run = haveMosquitto() ? describe : describe.skip;
if (!haveMosquitto()) announceSkip('MQTT delivery tests', '/usr/sbin/mosquitto is not installed');

interface Received {
  topic: string;
  body: Record<string, unknown>;
  retain: boolean;
}

/** A dispatch-side subscriber with a persistent session, so the broker queues for it while it reconnects. */
async function subscriber(
  url: string,
  id: string,
): Promise<{
  client: MqttClient;
  got: Received[];
  waitFor: (f: (r: Received[]) => boolean, ms?: number) => Promise<void>;
}> {
  const got: Received[] = [];
  const client = mqtt.connect(url, { clientId: id, clean: false, reconnectPeriod: 100 });
  client.on('message', (topic, payload, packet) =>
    got.push({ topic, body: JSON.parse(payload.toString()), retain: packet.retain }),
  );
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(`alpr/${UNIT}/#`, { qos: 1 });
  const waitFor = async (f: (r: Received[]) => boolean, ms = 15_000): Promise<void> => {
    const until = Date.now() + ms;
    while (!f(got)) {
      if (Date.now() > until) throw new Error(`timed out; received ${got.length} message(s)`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { client, got, waitFor };
}

/**
 * Node itself with tsx's loader, not the `tsx` wrapper: the wrapper runs the script in a child
 * process, so a SIGKILL would kill the wrapper and leave the unit running.
 */
const children: ReturnType<typeof spawn>[] = [];
function spawnUnit(fixture: string, ...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

run('MQTT delivery through the durable outbox (real Mosquitto)', () => {
  let broker: TestBroker;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alpr-mqtt-db-'));
    broker = new TestBroker();
    await broker.start();
  });
  afterEach(async () => {
    // A failed test must not leave a unit process behind.
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a hit with the verification notice and crop, and a retained online status with the list version', async () => {
    const sub = await subscriber(broker.url, 'dispatch-a');
    const parts = edgeParts(join(dir, 'edge.db'), broker.url);
    const publisher = parts.publisher();
    const ctl = new AbortController();
    await publisher.start(ctl.signal);
    const hit = parts.readHotPlate(1);
    await sub.waitFor((r) => r.some((m) => m.topic.endsWith('/hits')));
    const msg = sub.got.find((m) => m.topic === `alpr/${UNIT}/hits`)!;
    expect(msg.body).toMatchObject({
      v: 1,
      type: 'hit',
      id: hit.hitId,
      plate: 'HOT1234',
      state: 'CO',
      category: 'stolen_vehicle',
      nic: 'V123456789',
      match_kind: 'exact',
      verification: { status: 'unverified', notice: VERIFICATION_NOTICE },
      list: { source: 'cbi', version: 'cbi@test' },
    });
    expect(Buffer.from(msg.body.crop_jpeg_base64 as string, 'base64')[0]).toBe(0xff);
    await sub.waitFor((r) => r.some((m) => m.topic.endsWith('/status')));
    expect(sub.got.find((m) => m.topic.endsWith('/status'))!.body).toMatchObject({
      state: 'online',
      hotlists: [{ source: 'cbi', version: 'cbi@test' }],
    });
    await sub.waitFor(() => parts.outbox.depth() === 0);
    await publisher.stop();
    // A clean stop leaves `offline` retained for anyone who subscribes later.
    const late = await subscriber(broker.url, 'late-viewer');
    await late.waitFor((r) => r.some((m) => m.topic.endsWith('/status') && m.retain));
    expect(late.got.find((m) => m.topic.endsWith('/status'))!.body).toMatchObject({ state: 'offline' });
    await Promise.all([sub.client.endAsync(), late.client.endAsync()]);
    parts.db.close();
  });

  it('keeps hits made while the broker is down and delivers every one, in order, once it is back', async () => {
    const sub = await subscriber(broker.url, 'dispatch-b');
    const parts = edgeParts(join(dir, 'edge.db'), broker.url);
    const publisher = parts.publisher();
    await publisher.start(new AbortController().signal);
    const ids = [parts.readHotPlate(0).hitId];
    await sub.waitFor((r) => r.filter((m) => m.topic.endsWith('/hits')).length === 1);

    await broker.stop();
    for (let i = 1; i <= 25; i++) ids.push(parts.readHotPlate(i).hitId);
    await new Promise((r) => setTimeout(r, 800));
    expect(parts.outbox.depth()).toBe(25);

    await broker.start();
    await sub.waitFor(
      (r) => new Set(r.filter((m) => m.topic.endsWith('/hits')).map((m) => m.body.id)).size === ids.length,
      20_000,
    );
    const arrived = sub.got.filter((m) => m.topic.endsWith('/hits')).map((m) => m.body.id as string);
    // At-least-once: drop repeats by id (as a receiver must), then the order is the order of the reads.
    expect(arrived.filter((id, i) => arrived.indexOf(id) === i)).toEqual(ids);
    await sub.waitFor(() => parts.outbox.depth() === 0);
    await publisher.stop();
    await sub.client.endAsync();
    parts.db.close();
  });

  it('delivers a hit committed by a unit that was SIGKILLed before it could publish, after the unit restarts', async () => {
    const sub = await subscriber(broker.url, 'dispatch-c');
    const dbFile = join(dir, 'edge.db');
    const fixture = join(process.cwd(), 'test', 'fixtures', 'hit-producer.ts');
    const producer = spawnUnit(fixture, 'produce', dbFile, broker.url);
    const hitId = await new Promise<string>((resolve, reject) => {
      let out = '';
      producer.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /COMMITTED (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      producer.once('exit', (code) => reject(new Error(`producer exited early (${code})`)));
    });
    producer.kill('SIGKILL');
    await new Promise((r) => producer.once('exit', r));
    expect(sub.got.filter((m) => m.topic.endsWith('/hits'))).toEqual([]);

    const restarted = spawnUnit(fixture, 'publish', dbFile, broker.url);
    const code = await new Promise<number | null>((r) => restarted.once('exit', r));
    expect(code).toBe(0);
    await sub.waitFor((r) => r.some((m) => m.topic.endsWith('/hits')));
    expect(sub.got.filter((m) => m.topic.endsWith('/hits')).map((m) => m.body.id)).toEqual([hitId]);
    await sub.client.endAsync();
  });

  it('leaves a retained offline status as the last will when a connected unit dies', async () => {
    const fixture = join(process.cwd(), 'test', 'fixtures', 'hit-producer.ts');
    const unit = spawnUnit(fixture, 'online', join(dir, 'edge.db'), broker.url);
    await new Promise<void>((resolve, reject) => {
      unit.stdout!.on('data', (d: Buffer) => d.toString().includes('ONLINE') && resolve());
      unit.once('exit', (code) => reject(new Error(`unit exited early (${code})`)));
    });
    const sub = await subscriber(broker.url, 'dispatch-d');
    await sub.waitFor((r) => r.some((m) => m.topic.endsWith('/status') && m.body.state === 'online'));
    unit.kill('SIGKILL');
    await sub.waitFor((r) => r.some((m) => m.topic.endsWith('/status') && m.body.state === 'offline'));
    expect(sub.got.filter((m) => m.topic.endsWith('/status')).at(-1)!.body).toMatchObject({
      type: 'status',
      unit: UNIT,
      state: 'offline',
      hotlists: [{ source: 'cbi' }],
    });
    await sub.client.endAsync();
  });
});
