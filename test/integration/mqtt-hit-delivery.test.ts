import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parseConfigText } from '../../daemon/config/load.js';
import { openDatabase } from '../../daemon/store/database.js';
import { ReadStore } from '../../daemon/store/reads.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { composeHitDelivery } from '../../daemon/compose-delivery.js';
import { Lifecycle } from '../../daemon/lifecycle/lifecycle.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';
import { announceSkip } from '../helpers/skip.js';

if (!haveMosquitto()) announceSkip('hit delivery test', '/usr/sbin/mosquitto is not installed');
(haveMosquitto() ? describe : describe.skip)(
  'hit delivery as main.ts wires it (real Mosquitto, real list file)',
  () => {
    let broker: TestBroker;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'alpr-delivery-'));
      broker = new TestBroker();
      await broker.start();
    });
    afterAll(async () => {
      await broker.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads the list, publishes status and health, and delivers a live hit and a retrospective one', async () => {
      const list = join(process.cwd(), 'test-fixtures', 'hotlists', 'sample.csv');
      const config = parseConfigText(
        [
          'unit: { id: unit9 }',
          `storage: { path: ${dir} }`,
          'cameras: [{ id: front, name: "US-6 eastbound", url: "rtsp://127.0.0.1/x", location: { text: "US-6 MP 262", lat: 39.74, lon: -105.51 } }]',
          `hotlists: { sources: [{ id: cbi, format: csv, file: ${list} }] }`,
          `mqtt: { enabled: true, url: "${broker.url}", topic_prefix: ccso/alpr }`,
          '',
        ].join('\n'),
        'unit.yaml',
        { get: () => undefined },
      );
      const got: { topic: string; body: Record<string, unknown> }[] = [];
      const sub = mqtt.connect(broker.url, { clientId: 'dispatch' });
      sub.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) }));
      await new Promise<void>((r) => sub.once('connect', () => r()));
      await sub.subscribeAsync('ccso/alpr/unit9/#', { qos: 1 });
      const waitFor = async (f: () => boolean) => {
        const until = Date.now() + 15_000;
        while (!f()) {
          if (Date.now() > until) throw new Error(`timed out; got ${got.map((g) => g.topic).join(', ')}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      };

      const db = openDatabase(join(dir, 'alpr-edge.db'));
      const reads = new ReadStore(db);
      const store = (id: string, plate: string, state: string | null, at: number) =>
        reads.insert(
          {
            id,
            cameraId: 'front',
            text: plate,
            confidence: 0.9,
            alternatives: [],
            state,
            firstSeen: at - 300,
            lastSeen: at,
            frames: 3,
            cropJpeg: new Uint8Array([0xff, 0xd8]),
            box: { x: 0, y: 0, w: 90, h: 30 },
            frameWidth: 1280,
            frameHeight: 720,
          },
          { text: 'US-6 MP 262', lat: 39.74, lon: -105.51 },
          at,
        );
      store('earlier', 'BOLO42', 'CO', Date.now() - 86_400_000);

      const delivery = composeHitDelivery({
        config,
        db,
        clock: systemClock,
        log: silentLogger(),
        cameraStats: () => [{ id: 'front', fps: 4.9, dropped_frames: 2 }],
      });
      const ctl = new AbortController();
      const lifecycle = new Lifecycle(silentLogger());
      await lifecycle.start(delivery.services, ctl.signal);
      await delivery.hotlists.syncNow();
      expect(delivery.hotlists.status().sources[0]).toMatchObject({ id: 'cbi', entries: 4, rows_rejected: 4 });

      await waitFor(() => got.some((g) => g.topic.endsWith('/health')));
      expect(got.find((g) => g.topic.endsWith('/health'))!.body).toMatchObject({
        cameras: [{ id: 'front', dropped_frames: 2 }],
        outbox_depth: 0,
      });
      await waitFor(() =>
        got.some((g) => g.topic.endsWith('/status') && (g.body.hotlists as { entries: number }[])[0]?.entries === 4),
      );

      store('live', 'ABC1234', null, Date.now());
      const [hit] = delivery.recorder.onRead({ ...reads.get('live')! }, { id: 'front', name: 'US-6 eastbound' });
      await waitFor(() => got.some((g) => g.body.id === hit!.hitId));
      expect(got.find((g) => g.body.id === hit!.hitId)!.body).toMatchObject({
        camera: { name: 'US-6 eastbound' },
        location: { text: 'US-6 MP 262', lat: 39.74 },
        state_confirmed: false,
        category: 'stolen_vehicle',
        list: { source: 'cbi', stale: false },
        retrospective: false,
      });

      delivery.hotlists.addLocalEntry(
        { username: 'sgt' },
        { plate: 'BOLO42', category: 'bolo', reason: 'BOLO from dispatch', expires: Date.now() + 86_400_000 },
      );
      await waitFor(() => got.some((g) => g.topic.endsWith('/hits') && g.body.retrospective === true));
      expect(got.find((g) => g.body.retrospective === true)!.body).toMatchObject({
        read_id: 'earlier',
        source: 'local',
        camera: { name: 'US-6 eastbound' },
      });

      await lifecycle.stop();
      await waitFor(() => got.some((g) => g.topic.endsWith('/status') && g.body.state === 'offline'));
      await sub.endAsync();
      db.close();
    });
  },
);
