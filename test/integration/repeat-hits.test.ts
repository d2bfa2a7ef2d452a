import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { composeHitDelivery } from '../../daemon/compose-delivery.js';
import { Lifecycle } from '../../daemon/lifecycle/lifecycle.js';
import { parseConfigText } from '../../daemon/config/load.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { openDatabase } from '../../daemon/store/database.js';
import { HitStore } from '../../daemon/store/hits.js';
import { ReadStore } from '../../daemon/store/reads.js';
import { announceSkip } from '../helpers/skip.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';

if (!haveMosquitto()) announceSkip('repeat hit test', '/usr/sbin/mosquitto is not installed');
(haveMosquitto() ? describe : describe.skip)('one alert per vehicle pass (real Mosquitto, default config)', () => {
  let broker: TestBroker;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alpr-repeat-'));
    broker = new TestBroker();
    await broker.start();
  });
  afterAll(async () => {
    await broker.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second read of a hotlisted plate within 30 s updates the first hit and alerts nobody again; one after 30 s alerts anew', async () => {
    const list = join(dir, 'list.csv');
    writeFileSync(
      list,
      [
        'plate,state,category,reason,source,nic,entered,expires,priority,notes',
        'ABC1234,CO,stolen_vehicle,Stolen 2019 Honda Civic,CBI,V123456789,2026-11-01,,1,',
        'AB?12*,CO,felony_vehicle,Partial plate from shooting,CCSO,,2026-11-27,,1,',
        '7KQ221,,wanted_person,Felony warrant,CBI,W000000777,2026-11-20,,1,',
        '',
      ].join('\n'),
    );
    const config = parseConfigText(
      [
        'unit: { id: unit7 }',
        `storage: { path: ${dir} }`,
        'cameras: [{ id: front, name: "US-6 eastbound", url: "rtsp://127.0.0.1/x", location: { lat: 39.74, lon: -105.51 } }]',
        `hotlists: { sources: [{ id: cbi, format: csv, file: ${list} }] }`,
        `mqtt: { enabled: true, url: "${broker.url}", topic_prefix: ccso/alpr }`,
        '',
      ].join('\n'),
      'unit.yaml',
      { get: () => undefined },
    );
    expect(config.hotlists.repeat_window_s).toBe(30);
    const alerts: { id: string; plate: string; read_id: string }[] = [];
    const dispatch = mqtt.connect(broker.url, { clientId: 'dispatch' });
    dispatch.on('message', (_topic, payload) => alerts.push(JSON.parse(payload.toString())));
    await new Promise<void>((r) => dispatch.once('connect', () => r()));
    await dispatch.subscribeAsync('ccso/alpr/unit7/hits', { qos: 1 });
    const waitFor = async (what: string, f: () => boolean) => {
      const until = Date.now() + 15_000;
      while (!f()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; alerts: ${JSON.stringify(alerts)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    const db = openDatabase(join(dir, 'alpr-edge.db'));
    const reads = new ReadStore(db);
    const delivery = composeHitDelivery({ config, db, clock: systemClock, log: silentLogger(), cameraStats: () => [] });
    const ctl = new AbortController();
    const lifecycle = new Lifecycle(silentLogger());
    await lifecycle.start(delivery.services, ctl.signal);
    await delivery.hotlists.syncNow();
    // As the pipeline does: store the read, and match it in the same transaction.
    const sighting = (id: string, plate: string, at: number) =>
      db.transaction(() => {
        reads.insert(
          {
            id,
            cameraId: 'front',
            text: plate,
            confidence: 0.9,
            alternatives: [],
            state: 'CO',
            firstSeen: at - 600,
            lastSeen: at,
            frames: 4,
            cropJpeg: new Uint8Array([0xff, 0xd8]),
            box: { x: 0, y: 0, w: 90, h: 30 },
            frameWidth: 1280,
            frameHeight: 720,
          },
          { text: 'US-6' },
          at,
        );
        return delivery.recorder.onRead(reads.get(id)!, { id: 'front', name: 'US-6 eastbound' });
      })();

    const t0 = Date.now();
    // ABC1234 is on the list twice: as a stolen vehicle, and under the partial plate AB?12*.
    expect(sighting('pass-1a', 'ABC1234', t0)).toHaveLength(2);
    // The same car again 6 s later (its pass split in two): no new hit for either entry.
    expect(sighting('pass-1b', 'ABC1234', t0 + 6_000)).toEqual([]);
    // Another hotlisted car: its alert is queued behind anything the repeat could have queued.
    expect(sighting('other', '7KQ221', t0 + 7_000)).toHaveLength(1);
    await waitFor('the alert of the other car', () => alerts.some((a) => a.read_id === 'other'));
    expect(alerts.filter((a) => a.plate === 'ABC1234').map((a) => a.read_id)).toEqual(['pass-1a', 'pass-1a']);
    const first = new HitStore(db).forRead('pass-1a');
    expect(first.map((h) => [h.lastSeenAt, h.repeats])).toEqual([
      [t0 + 6_000, 1],
      [t0 + 6_000, 1],
    ]);

    // 31 s after it was last seen, the plate is a new pass: new hits and alerts.
    expect(sighting('pass-2', 'ABC1234', t0 + 6_000 + 31_000)).toHaveLength(2);
    await waitFor('the second pass alerts', () => alerts.filter((a) => a.read_id === 'pass-2').length === 2);
    expect(alerts.filter((a) => a.plate === 'ABC1234')).toHaveLength(4);

    await lifecycle.stop();
    await dispatch.endAsync();
    db.close();
  });
});
