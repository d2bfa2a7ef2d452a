import { randomUUID } from 'node:crypto';
import { buildHitPayload } from '../alerts/payloads.js';
import { openDatabase } from './database.js';
import { DispatchStore, dispatchMigrations } from './dispatch-store.js';

const T0 = Date.UTC(2026, 11, 2, 9, 0);
const DAY = 86_400_000;

function hit(readAt: number) {
  return buildHitPayload({
    hitId: randomUUID(),
    readId: randomUUID(),
    unitId: 'car12',
    readAt,
    createdAt: readAt,
    camera: { id: 'front', name: 'Front' },
    location: { text: 'US-6', lat: 39.7, lon: -105.6 },
    plate: 'ABC123',
    state: 'CO',
    stateConfirmed: true,
    confidence: 0.9,
    matchKind: 'exact',
    retrospective: false,
    entry: {
      plate: 'ABC123',
      state: 'CO',
      category: 'stolen_vehicle',
      reason: 'stolen',
      source: 'CBI',
      nic: null,
      case_number: null,
      expires: null,
      priority: null,
      notes: '',
    },
    list: { source: 'cbi', version: 'v1', ageS: 60, stale: false },
    cropJpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
  });
}

describe("the dispatch console's store", () => {
  it('stores a hit delivered twice once, with its crop and the unit it came from', () => {
    const db = openDatabase(':memory:', { migrations: dispatchMigrations });
    const store = new DispatchStore(db);
    const h = hit(T0);
    expect(store.storeHit('car12', h, T0 + 1000)).toBe(true);
    expect(store.storeHit('car12', h, T0 + 2000)).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM hits').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM read_crops').get()).toEqual({ n: 1 });
    expect(store.originOf(h.read_id)).toEqual({ unitId: 'car12', cameraName: 'Front' });
    expect(store.units()).toMatchObject([{ id: 'car12', state: 'unknown', position: { lat: 39.7, lon: -105.6 } }]);
    db.close();
  });

  it('does not store a hit read before the retention window (a queue held for weeks)', () => {
    const db = openDatabase(':memory:', { migrations: dispatchMigrations });
    const store = new DispatchStore(db);
    const now = T0 + 30 * DAY;
    expect(store.storeHit('car12', hit(T0), now, now - 21 * DAY)).toBe(false);
    expect(store.storeHit('car12', hit(now - DAY), now, now - 21 * DAY)).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM hits').get()).toEqual({ n: 1 });
    db.close();
  });
});
