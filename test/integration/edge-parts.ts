import { randomUUID } from 'node:crypto';
import { openDatabase, type Db } from '../../daemon/store/database.js';
import { HitStore } from '../../daemon/store/hits.js';
import { ReadStore } from '../../daemon/store/reads.js';
import { systemClock, type Clock } from '../../daemon/shared/clock.js';
import { silentLogger, type Logger } from '../../daemon/shared/logger.js';
import { Outbox } from '../../daemon/alerts/outbox.js';
import { topicsFor, type Topics } from '../../daemon/alerts/topics.js';
import { mqttConfigSchema, type MqttConfig } from '../../daemon/alerts/config.js';
import { MqttPublisher } from '../../daemon/alerts/mqtt-publisher.js';
import { HitRecorder } from '../../daemon/alerts/hit-recorder.js';
import { HitDecider } from '../../daemon/hotlist/hit-decider.js';
import type { RecordedHit } from '../../daemon/hotlist/hit.js';
import { Matcher } from '../../daemon/hotlist/matcher.js';
import type { ActiveList } from '../../daemon/hotlist/active-list.js';
import { hotEntry } from '../../daemon/hotlist/test-support.js';

/**
 * A test rig, not the daemon's wiring: for the MQTT publisher's contract tests (real broker), a
 * hit recorder over one fixed list entry and a publisher built per test config. The daemon builds
 * these parts in daemon/compose-delivery.ts, which mqtt-hit-delivery.test.ts and
 * repeat-hits.test.ts run as main.ts uses it.
 */
export interface EdgeParts {
  db: Db;
  outbox: Outbox;
  recorder: HitRecorder;
  topics: Topics;
  publisher: (overrides?: Partial<MqttConfig>) => MqttPublisher;
  /** Stores a read of a hotlisted plate and records its hit (hit + outbox row in one transaction). */
  readHotPlate: (n: number) => RecordedHit;
}

export const UNIT = 'unit7';
const HOT = hotEntry('HOT1234', { key: 'cbi:1', nic: 'V123456789' });

export function edgeParts(
  dbFile: string,
  brokerUrl: string,
  log: Logger = silentLogger(),
  clock: Clock = systemClock,
): EdgeParts {
  const db = openDatabase(dbFile);
  const outbox = new Outbox(db);
  const topics = topicsFor('alpr', UNIT);
  const lists: ActiveList[] = [
    {
      sourceId: 'cbi',
      versionId: 'cbi@test',
      asOf: clock.now(),
      matcher: new Matcher([HOT], { lenientCategories: [] }),
    },
  ];
  const recorder = new HitRecorder({
    db,
    decider: new HitDecider({ lists: { activeLists: () => lists }, history: new HitStore(db), clock }),
    outbox,
    topics,
    unitId: UNIT,
    clock,
    log,
    staleAfterMs: 86_400_000,
    includeCrop: true,
  });
  const reads = new ReadStore(db);
  return {
    db,
    outbox,
    recorder,
    topics,
    publisher: (overrides = {}) =>
      new MqttPublisher({
        config: { ...mqttConfigSchema.parse({}), enabled: true, url: brokerUrl, reconnect_s: 0.3, ...overrides },
        unitId: UNIT,
        topics,
        outbox,
        clock,
        log,
        listStatus: () => [{ source: 'cbi', version: 'cbi@test', entries: 1, age_s: 0, stale: false }],
      }),
    readHotPlate(n) {
      const now = clock.now();
      const read = {
        id: randomUUID(),
        cameraId: 'front',
        text: 'HOT1234',
        confidence: 0.9 + n / 1e6,
        alternatives: [],
        state: 'CO',
        firstSeen: now - 300,
        lastSeen: now,
        frames: 4,
        cropJpeg: new Uint8Array([0xff, 0xd8, n & 0xff, 0xff, 0xd9]),
        box: { x: 0, y: 0, w: 90, h: 30 },
        frameWidth: 1280,
        frameHeight: 720,
      };
      reads.insert(read, { text: 'US-6 MP 262' }, now);
      const hits = recorder.onRead(
        { ...read, plate: read.text, locationText: 'US-6 MP 262' },
        { id: 'front', name: 'Front' },
      );
      if (hits.length !== 1) throw new Error(`expected one hit, got ${hits.length}`);
      return hits[0]!;
    },
  };
}
