import { execFileSync } from 'node:child_process';
import { hotlistStore } from '../store/hotlist-store.js';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ManualClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { ActiveLists } from './active-list.js';
import type { FoundMatch, ReadForMatching, RecordedHit, RetroHitSink } from './hit.js';
import { HotlistService } from './hotlist-service.js';
import { VersionStore } from '../store/hotlist-versions.js';
import { hotlistConfig, storeRead, tempDb } from './test-support.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const V1 =
  'plate,state,category,reason\nABC1234,CO,stolen_vehicle,Stolen Civic\nAB?12*,CO,felony_vehicle,Partial plate\n';
const V2 = `${V1}NEW777,,stolen_plate,Stolen plate\n`;
const GARBAGE = 'plate,state,category,reason\nA,CO,unicorn,x\nB,CO,unicorn,x\nC,CO,unicorn,x\nGOOD1,CO,bolo,x\n';

/** The retrospective hits the service hands on, by read id (the recorder's side is alerts/). */
function retroSink(): RetroHitSink & {
  forRead(readId: string): { kind: string; category: string; version: string }[];
} {
  const got: { read: ReadForMatching; found: FoundMatch[] }[] = [];
  return {
    recordRetrospective(read, found): RecordedHit[] {
      got.push({ read, found });
      return [];
    },
    forRead: (readId) =>
      got
        .filter((g) => g.read.id === readId)
        .flatMap((g) =>
          g.found.map((f) => ({ kind: f.match.kind, category: f.match.entry.category, version: f.list.versionId })),
        ),
  };
}

/** A private CA and a server certificate for 127.0.0.1, so the test exercises hotlists.sources[].ca_file. */
function makeCerts(dir: string): { ca: string; key: Buffer; cert: Buffer } {
  const run = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=alpr test CA', '-days', '2');
  run('req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  return { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) };
}

describe('hotlist service', () => {
  let t: ReturnType<typeof tempDb>;
  let server: https.Server;
  let url: string;
  let ca: string;
  let mode: { body: string; status: number; etag: string };
  const seen: (string | undefined)[] = [];
  const ctl = new AbortController();

  beforeAll(async () => {
    t = tempDb();
    const certs = makeCerts(t.dir);
    ca = certs.ca;
    server = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
      seen.push(req.headers['if-none-match']);
      if (mode.status !== 200) return res.writeHead(mode.status).end('server trouble');
      if (req.headers['if-none-match'] === mode.etag) return res.writeHead(304).end();
      res.writeHead(200, { etag: mode.etag, 'last-modified': new Date(NOW).toUTCString() }).end(mode.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hotlist.csv`;
  });
  afterAll(async () => {
    ctl.abort();
    await new Promise((r) => server.close(r));
    t.cleanup();
  });

  it('loads over HTTPS with a private CA, revalidates by ETag, keeps the old list on failure, and swaps in a new one with retro-hits', async () => {
    const clock = new ManualClock(NOW);
    const config = hotlistConfig({
      sources: [{ id: 'cbi', format: 'csv', url, ca_file: ca, headers: {}, timeout_s: 5, enabled: true }],
    });
    const lists = new ActiveLists();
    const retro = retroSink();
    const svc = new HotlistService({
      store: hotlistStore(t.db),
      config,
      storagePath: t.dir,
      clock,
      log: silentLogger(),
      lists,
      retroHits: retro,
    });
    storeRead(t.db, 'before', 'NEW777', 'WY', NOW - 86_400_000);
    mode = { body: V1, status: 200, etag: '"v1"' };

    await svc.start(ctl.signal);
    await svc.syncNow();
    expect(svc.status().sources[0]).toMatchObject({
      id: 'cbi',
      entries: 2,
      patterns: 1,
      age_s: 0,
      stale: false,
      last_error: null,
    });
    const v1 = svc.status().sources[0]!.version;
    const match = (plate: string, state: string | null) =>
      svc.activeLists().flatMap((l) => l.matcher.match(plate, state, clock.now()).map((m) => m.entry.plate));
    expect(match('ABC1234', 'CO')).toEqual(['ABC1234', 'AB?12*']);

    clock.advance(3600_000);
    await svc.syncNow();
    expect(seen.at(-1)).toBe('"v1"');
    expect(svc.status().sources[0]).toMatchObject({ version: v1, age_s: 0 });

    // A local entry survives every refresh below.
    svc.addLocalEntry(
      { username: 'deputy1' },
      { plate: 'LOC-42', category: 'bolo', reason: 'BOLO from dispatch', expires: NOW + 7 * 86_400_000 },
    );

    mode = { body: V2, status: 500, etag: '"v2"' };
    clock.advance(3600_000);
    await svc.syncNow();
    expect(svc.status().sources[0]).toMatchObject({
      version: v1,
      entries: 2,
      age_s: 3600,
      last_error: expect.stringMatching(/HTTP 500/),
    });
    expect(match('ABC1234', 'CO')).toEqual(['ABC1234', 'AB?12*']);

    mode = { body: GARBAGE, status: 200, etag: '"bad"' };
    await svc.syncNow();
    expect(svc.status().sources[0]).toMatchObject({
      version: v1,
      last_error: expect.stringMatching(/3 of 4 rows rejected/),
    });

    mode = { body: V2, status: 200, etag: '"v2"' };
    await svc.syncNow();
    expect(svc.status().sources[0]).toMatchObject({ entries: 3, last_error: null });
    expect(match('NEW777', 'UT')).toEqual(['NEW777']);
    expect(match('LOC42', null)).toEqual(['LOC42']);
    expect(retro.forRead('before')).toEqual([
      expect.objectContaining({ kind: 'exact', version: svc.status().sources[0]!.version }),
    ]);

    const outcomes = new VersionStore(t.db).recent().map((v) => v.outcome);
    expect(outcomes).toEqual(['loaded', 'refused', 'failed', 'loaded']);

    clock.advance(25 * 3600_000);
    expect(svc.status()).toMatchObject({ stale: true, sources: [expect.objectContaining({ stale: true })] });
    await svc.stop();

    // After a restart with the server down, the cached copy of the last good version is in use at once.
    mode.status = 503;
    const again = new HotlistService({
      store: hotlistStore(t.db),
      config,
      storagePath: t.dir,
      clock,
      log: silentLogger(),
    });
    await again.start(ctl.signal);
    expect(again.status().sources[0]).toMatchObject({ entries: 3 });
    expect(again.activeLists().some((l) => l.matcher.match('NEW777', null, clock.now()).length > 0)).toBe(true);
    await again.stop();
  });

  it('loads a local file source, raising retro-hits for its first version and when a local entry is added', async () => {
    const clock = new ManualClock(NOW);
    const file = join(t.dir, 'list.txt');
    writeFileSync(file, 'VABC1234   COV123456789CO01000002026110120271101STOLEN\n');
    const config = hotlistConfig({
      cache_dir: join(t.dir, 'cache2'),
      sources: [{ id: 'ncic', format: 'ncic', file, headers: {}, timeout_s: 5, enabled: true }],
    });
    const lists = new ActiveLists();
    const retro = retroSink();
    const svc = new HotlistService({
      store: hotlistStore(t.db),
      config,
      storagePath: t.dir,
      clock,
      log: silentLogger(),
      lists,
      retroHits: retro,
    });
    storeRead(t.db, 'parked', 'ABC1234', 'CO', NOW - 7200_000);
    await svc.syncNow();
    expect(svc.status().sources[0]).toMatchObject({ entries: 1, last_error: null });
    // The source's first version: every entry is new, so a stored read of its plate is a retro-hit.
    expect(retro.forRead('parked')).toEqual([expect.objectContaining({ kind: 'exact', category: 'stolen_vehicle' })]);
    storeRead(t.db, 'scene', 'XK4471', 'CO', NOW - 3600_000);
    svc.addLocalEntry(
      { username: 'sgt' },
      {
        plate: 'XK4*',
        state: 'CO',
        category: 'investigation',
        reason: 'shooting suspect',
        caseNumber: '26-1234',
        expires: NOW + 86_400_000,
      },
    );
    expect(retro.forRead('scene')).toEqual([expect.objectContaining({ kind: 'wildcard', category: 'investigation' })]);
    expect(() =>
      svc.addLocalEntry({ username: 'sgt' }, { plate: 'X*', category: 'bolo', reason: 'r', expires: NOW + 1 }),
    ).toThrow(/too broad/);
  });
});

describe('local entries and their audit records', () => {
  it('keeps no entry, and removes none, when its audit record cannot be written', () => {
    const t = tempDb();
    try {
      const clock = new ManualClock(NOW);
      const svc = new HotlistService({
        store: hotlistStore(t.db),
        config: hotlistConfig(),
        storagePath: t.dir,
        clock,
        log: silentLogger(),
      });
      const input = { plate: 'KDX9*', category: 'bolo', reason: 'hit and run', expires: NOW + 86_400_000 };
      const auditFails = (): void => {
        throw new Error('audit log unwritable');
      };
      expect(() => svc.addLocalEntry({ username: 'sgt' }, input, auditFails)).toThrow('audit log unwritable');
      expect(svc.listLocalEntries(true)).toEqual([]);
      expect(svc.activeLists().flatMap((l) => l.matcher.match('KDX912', null, NOW))).toEqual([]);

      const kept = svc.addLocalEntry({ username: 'sgt' }, input);
      expect(() => svc.removeLocalEntry({ username: 'sgt' }, kept.id, auditFails)).toThrow('audit log unwritable');
      expect(svc.listLocalEntries().map((r) => r.id)).toEqual([kept.id]);
      expect(svc.removeLocalEntry({ username: 'sgt' }, kept.id)).toBe(true);
      expect(svc.listLocalEntries()).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});
