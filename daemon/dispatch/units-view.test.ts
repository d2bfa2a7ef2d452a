import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStatusPayload } from '../alerts/payloads.js';
import { webUnitSchema } from '../api/web-contract.js';
import { ConfigError } from '../shared/errors.js';
import { openDatabase } from '../store/database.js';
import { DispatchStore, dispatchMigrations } from '../store/dispatch-store.js';
import { dispatchConfigSchema, loadDispatchConfig } from './config.js';
import { silenceLimitMs, toWebUnit } from './units-view.js';

const T0 = Date.UTC(2026, 11, 2, 9, 0);
const lists = [{ source: 'cbi', version: 'v1', entries: 3, age_s: 600, stale: false }];

describe('units on the dispatch console', () => {
  const units = dispatchConfigSchema.parse({ units: { keepalive_s: 30, health_interval_s: 20 } }).units;
  const limit = silenceLimitMs(units);

  it('waits 1.5 x the longer of keepalive and health interval before calling a silent unit offline', () => {
    expect(limit).toBe(45_000);
  });

  it('shows an online unit offline once it has been silent that long, and says since when', () => {
    const db = openDatabase(':memory:', { migrations: dispatchMigrations });
    const store = new DispatchStore(db);
    store.recordStatus('car12', 'online', buildStatusPayload('car12', 'online', T0, lists), T0);
    const [row] = store.units();
    const at = (now: number) => webUnitSchema.parse(toWebUnit(row!, { car12: 'Car 12' }, limit, now));
    expect(at(T0 + limit - 1)).toMatchObject({ name: 'Car 12', state: 'online', lists_stale: false });
    expect(at(T0 + limit + 1)).toMatchObject({ state: 'offline', since: new Date(T0 + limit).toISOString() });
    db.close();
  });

  it('takes the last will as offline at once and keeps the time the state changed', () => {
    const db = openDatabase(':memory:', { migrations: dispatchMigrations });
    const store = new DispatchStore(db);
    store.recordStatus('gate3', 'online', buildStatusPayload('gate3', 'online', T0, lists), T0);
    store.recordStatus('gate3', 'online', buildStatusPayload('gate3', 'online', T0, lists), T0 + 5000);
    store.recordStatus('gate3', 'offline', buildStatusPayload('gate3', 'offline', T0, lists), T0 + 9000);
    const u = toWebUnit(store.units()[0]!, {}, limit, T0 + 9001);
    expect(u).toMatchObject({ name: 'gate3', state: 'offline', since: new Date(T0 + 9000).toISOString() });
    db.close();
  });
});

describe('dispatch.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-dispatch-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the broker password from the environment', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'broker:\n  url: mqtts://broker.example:8883\n  password: ${MQTT_PASSWORD}\n');
    const c = loadDispatchConfig(file, { get: (n) => (n === 'MQTT_PASSWORD' ? 's3cret' : undefined) });
    expect(c.broker).toMatchObject({ password: 's3cret', client_id: 'alpr-dispatch' });
    expect(c.retention.days).toBe(21);
  });

  it('loads the example config/dispatch.example.yaml', () => {
    const example = join(import.meta.dirname, '..', '..', 'config', 'dispatch.example.yaml');
    const c = loadDispatchConfig(example, { get: (n) => `value-of-${n}` });
    expect(c.broker).toMatchObject({ username: 'value-of-MQTT_USERNAME', client_id: 'alpr-dispatch' });
    expect(c.units.names.car12).toBe('Car 12');
  });

  it('names the line, key and value of each problem', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'console: { id: county }\nretention:\n  days: 30\nbrokr: {}\n');
    let err: unknown;
    try {
      loadDispatchConfig(file, { get: () => undefined });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      expect.stringMatching(/bad\.yaml:3: retention\.days: .*21.* \(30\)$/),
      `${file}:4: brokr: unknown key (see config/dispatch.example.yaml)`,
    ]);
  });
});
