import { buildHitPayload } from '../alerts/payloads.js';
import { sampleHitInput } from '../alerts/test-support.js';
import { openDatabase } from './database.js';
import { DispatchStore, dispatchMigrations } from './dispatch-store.js';

const T0 = Date.UTC(2026, 11, 2, 9, 0);
const DAY = 86_400_000;

function hit(readAt: number) {
  return buildHitPayload(sampleHitInput('ABC123', { readAt }));
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
