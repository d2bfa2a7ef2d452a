import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { buildHitPayload, type HitPayload } from '../../daemon/alerts/payloads.js';
import { sampleHitInput } from '../../daemon/alerts/test-support.js';
import { dispatchConfigSchema } from '../../daemon/dispatch/config.js';
import { UnitFeed } from '../../daemon/dispatch/unit-feed.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { waitUntil } from '../helpers/daemon.js';
import { announceSkip } from '../helpers/skip.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';

if (!haveMosquitto()) announceSkip('dispatch feed test', 'no /usr/sbin/mosquitto (apt-get install -y mosquitto)');
const suite = haveMosquitto() ? describe : describe.skip;

suite("the dispatch console's feed on a real broker", () => {
  const broker = new TestBroker();
  beforeAll(() => broker.start());
  afterAll(() => broker.dispose());

  it('does not acknowledge a hit it could not store, and gets it again from the broker', async () => {
    const attempts: string[] = [];
    const stored: string[] = [];
    const feed = new UnitFeed({
      config: dispatchConfigSchema.parse({
        broker: { url: broker.url, client_id: 'feed-test', reconnect_s: 0.2 },
      }).broker,
      store: {
        storeHit: (_unit: string, h: HitPayload) => {
          attempts.push(h.id);
          // The first write fails as a full disk would.
          if (attempts.length === 1) throw new Error('SQLITE_FULL: database or disk is full');
          stored.push(h.id);
          return true;
        },
        recordStatus: () => undefined,
        recordHealth: () => undefined,
      },
      clock: systemClock,
      log: silentLogger(),
      retentionDays: 21,
      onHit: () => undefined,
      onUnit: () => undefined,
    });
    feed.start(new AbortController().signal);
    await waitUntil(() => feed.connected, 10_000, 'the feed to connect');
    await new Promise((r) => setTimeout(r, 300)); // its subscription
    const unit = await mqtt.connectAsync(broker.url, { clientId: 'unit-car12' });
    const id = randomUUID();
    const payload = buildHitPayload(
      sampleHitInput('ABC123', {
        hitId: id,
        location: { text: 'US-6', lat: null, lon: null },
        state: null,
        entry: { state: null },
        cropJpeg: null,
      }),
    );
    await unit.publishAsync('alpr/car12/hits', JSON.stringify(payload), { qos: 1 });
    await waitUntil(() => stored.includes(id), 10_000, 'the hit to come again and be stored');
    expect(attempts).toEqual([id, id]);
    await unit.endAsync();
    await feed.stop();
  }, 30_000);
});
