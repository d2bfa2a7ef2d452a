import Database from 'better-sqlite3';
import { ManualClock } from '../shared/clock.js';
import { createLogger, silentLogger } from '../shared/logger.js';
import { HitStore } from '../store/hits.js';
import { ReadPages } from '../store/read-pages.js';
import type { ActiveList } from '../hotlist/active-list.js';
import type { HotlistEntry } from '../hotlist/entry.js';
import { HitDecider } from '../hotlist/hit-decider.js';
import { Matcher } from '../hotlist/matcher.js';
import { runScan, runScanYielding, scanStoredReads } from '../hotlist/retro.js';
import { hotEntry, storeRead, tempDb, turnsDuring } from '../hotlist/test-support.js';
import { HitRecorder } from './hit-recorder.js';
import { Outbox } from './outbox.js';
import { VERIFICATION_NOTICE } from './payloads.js';
import { topicsFor } from './topics.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const entry = (plate: string, state: string | null, extra: Partial<HotlistEntry> = {}): HotlistEntry =>
  hotEntry(plate, { state, ...extra });

describe('hit recorder', () => {
  let t: ReturnType<typeof tempDb>;
  let lists: ActiveList[];
  let recorder: HitRecorder;
  let outbox: Outbox;
  const clock = new ManualClock(NOW);
  beforeEach(() => {
    t = tempDb();
    outbox = new Outbox(t.db);
    lists = [
      {
        sourceId: 'cbi',
        versionId: 'cbi@v1',
        asOf: NOW - 30 * 3600_000,
        matcher: new Matcher([entry('ABC1234', 'CO')], { lenientCategories: [] }),
      },
    ];
    recorder = new HitRecorder({
      db: t.db,
      decider: new HitDecider({ lists: { activeLists: () => lists }, history: new HitStore(t.db), clock }),
      outbox,
      topics: topicsFor('alpr', 'unit1'),
      unitId: 'unit1',
      clock,
      log: silentLogger(),
      staleAfterMs: 24 * 3600_000,
      includeCrop: true,
      cameraName: () => 'Front gate',
    });
  });
  afterEach(() => t.cleanup());

  it('stores an unverified hit with the entry snapshot, list version and age, and queues its message with the crop', () => {
    storeRead(t.db, 'r1', 'ABC-1234', 'CO', NOW - 1000);
    const hits = recorder.onRead(
      {
        id: 'r1',
        cameraId: 'front',
        plate: 'ABC-1234',
        state: 'CO',
        confidence: 0.91,
        lastSeen: NOW - 1000,
        locationText: 'US-6',
      },
      { id: 'front', name: 'Front gate' },
    );
    expect(hits).toHaveLength(1);
    const stored = new HitStore(t.db).get(hits[0]!.hitId)!;
    expect(stored).toMatchObject({
      readId: 'r1',
      status: 'unverified',
      matchKind: 'exact',
      listVersion: 'cbi@v1',
      listAgeS: 30 * 3600,
      retrospective: false,
      stateConfirmed: true,
    });
    expect(JSON.parse(stored.entryJson)).toMatchObject({
      plate: 'ABC1234',
      reason: 'Stolen 2019 Civic',
      nic: 'V1',
      list_source: 'cbi',
    });
    const [msg] = outbox.peek(10);
    expect(msg!.topic).toBe('alpr/unit1/hits');
    const payload = JSON.parse(msg!.payload);
    expect(payload).toMatchObject({
      v: 1,
      type: 'hit',
      id: hits[0]!.hitId,
      camera: { id: 'front', name: 'Front gate' },
      plate: 'ABC-1234',
      state: 'CO',
      category: 'stolen_vehicle',
      source: 'CBI',
      nic: 'V1',
      match_kind: 'exact',
      list: { version: 'cbi@v1', age_s: 108000, stale: true },
      verification: { status: 'unverified', notice: VERIFICATION_NOTICE },
      crop_jpeg_base64: Buffer.from([0xff, 0xd8, 0xff, 0xd9]).toString('base64'),
    });
  });

  it('records nothing and queues nothing for a read that matches no entry', () => {
    storeRead(t.db, 'r2', 'ZZZ999', 'CO', NOW);
    expect(
      recorder.onRead({ id: 'r2', cameraId: 'front', plate: 'ZZZ999', state: 'CO', confidence: 0.9, lastSeen: NOW }),
    ).toEqual([]);
    expect(outbox.depth()).toBe(0);
  });

  it('rolls the hit back when its outbox row cannot be written, so no hit exists without its message', () => {
    storeRead(t.db, 'r3', 'ABC1234', 'CO', NOW);
    t.db.exec("CREATE TRIGGER no_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'no outbox'); END");
    recorder.onRead({ id: 'r3', cameraId: 'front', plate: 'ABC1234', state: 'CO', confidence: 0.9, lastSeen: NOW });
    expect(new HitStore(t.db).count()).toBe(0);
    expect(outbox.depth()).toBe(0);
  });

  describe("a failure while recording a hit, inside the read's transaction", () => {
    const read = { id: 'r5', cameraId: 'front', plate: 'ABC1234', state: 'CO', confidence: 0.9, lastSeen: NOW };
    const failingOutbox = (err: Error) => ({
      append: () => {
        throw err;
      },
      notify: () => {},
    });
    const recorderWith = (err: Error, log = silentLogger()) =>
      new HitRecorder({
        db: t.db,
        decider: new HitDecider({ lists: { activeLists: () => lists }, history: new HitStore(t.db), clock }),
        outbox: failingOutbox(err),
        topics: topicsFor('alpr', 'unit1'),
        unitId: 'unit1',
        clock,
        log,
        staleAfterMs: 24 * 3600_000,
        includeCrop: false,
      });

    it('keeps the read and says so in the log when the hit cannot be recorded for a reason other than the disk', () => {
      const lines: { msg: string; read?: string; err?: string }[] = [];
      const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
      const recorder = recorderWith(new Error('bad payload'), log);
      const hits = t.db.transaction(() => {
        storeRead(t.db, 'r5', 'ABC1234', 'CO', NOW);
        return recorder.onRead(read);
      })();
      expect(hits).toEqual([]);
      expect(t.db.prepare('SELECT count(*) AS n FROM reads WHERE id = ?').get('r5')).toEqual({ n: 1 });
      expect(new HitStore(t.db).count()).toBe(0);
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: 'hit recording failed; the read is kept', read: 'r5', err: 'bad payload' }),
      );
    });

    it('throws a storage error on, so the read and its hits take the in-memory path together', () => {
      const full = new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
      storeRead(t.db, 'r5', 'ABC1234', 'CO', NOW);
      expect(() => recorderWith(full).onRead(read)).toThrow(full);
      expect(new HitStore(t.db).count()).toBe(0);
    });
  });

  it('drops the unsent message of a hit when its read is purged (policy 424.4)', () => {
    storeRead(t.db, 'r4', 'ABC1234', 'CO', NOW);
    recorder.onRead({ id: 'r4', cameraId: 'front', plate: 'ABC1234', state: 'CO', confidence: 0.9, lastSeen: NOW });
    expect(outbox.depth()).toBe(1);
    t.db.prepare('DELETE FROM reads WHERE id = ?').run('r4');
    expect(new HitStore(t.db).count()).toBe(0);
    expect(outbox.depth()).toBe(0);
  });

  it('raises retrospective hits for stored reads once, not again on a second scan', () => {
    storeRead(t.db, 'old1', 'NEW777', null, NOW - 3 * 86_400_000);
    storeRead(t.db, 'old2', 'NEW778', 'CO', NOW - 2 * 86_400_000);
    storeRead(t.db, 'tooOld', 'NEW777', 'CO', NOW - 30 * 86_400_000);
    const list: ActiveList = {
      sourceId: 'local',
      versionId: 'local@1',
      asOf: NOW,
      matcher: new Matcher([entry('NEW77*', 'CO', { key: 'local:x', source: 'local' })], { lenientCategories: [] }),
    };
    const first = runScan(scanStoredReads(new ReadPages(t.db), recorder, list, NOW - 21 * 86_400_000, NOW));
    expect(first.map((h) => [h.readId, h.retrospective, h.match.kind, h.match.stateConfirmed]).sort()).toEqual([
      ['old1', true, 'wildcard', false],
      ['old2', true, 'wildcard', true],
    ]);
    expect(JSON.parse(outbox.peek(10)[0]!.payload).retrospective).toBe(true);
    expect(runScan(scanStoredReads(new ReadPages(t.db), recorder, list, NOW - 21 * 86_400_000, NOW))).toEqual([]);
  });

  it('scans stored reads page by page, giving the event loop turns between pages, and finds every match once', async () => {
    // Seven reads, two of them at the same time (a page may end between them), one outside the window.
    const times = [5, 4, 4, 3, 2, 1, 0].map((d) => NOW - d * 86_400_000);
    for (const [i, at] of times.entries()) storeRead(t.db, `p${i}`, i % 2 === 0 ? `PGE10${i}` : `OTH20${i}`, 'CO', at);
    storeRead(t.db, 'old', 'PGE100', 'CO', NOW - 30 * 86_400_000);
    const list: ActiveList = {
      sourceId: 'cbi',
      versionId: 'cbi@v2',
      asOf: NOW,
      matcher: new Matcher([entry('PGE10*', 'CO')], { lenientCategories: [] }),
    };
    const scan = scanStoredReads(new ReadPages(t.db), recorder, list, NOW - 21 * 86_400_000, NOW, 2);
    const { result: hits, turns } = await turnsDuring(() => runScanYielding(scan));
    expect(hits.map((h) => h.readId).sort()).toEqual(['p0', 'p2', 'p4', 'p6']);
    expect(turns).toBeGreaterThanOrEqual(3); // 7 reads in pages of 2: the loop ran between them
    expect(new HitStore(t.db).count()).toBe(4);
  });

  describe('one alert per vehicle pass (hotlists.repeat_window_s)', () => {
    let repeats: HitRecorder;
    beforeEach(() => {
      repeats = new HitRecorder({
        db: t.db,
        decider: new HitDecider({
          lists: { activeLists: () => lists },
          history: new HitStore(t.db),
          clock,
          repeatWindowMs: 30_000,
        }),
        outbox,
        topics: topicsFor('alpr', 'unit1'),
        unitId: 'unit1',
        clock,
        log: silentLogger(),
        staleAfterMs: 24 * 3600_000,
        includeCrop: false,
      });
    });
    const seen = (id: string, at: number, cameraId = 'front') => {
      storeRead(t.db, id, 'ABC1234', 'CO', at, cameraId);
      return repeats.onRead({ id, cameraId, plate: 'ABC1234', state: 'CO', confidence: 0.9, lastSeen: at });
    };
    const hitMessages = () => outbox.peek(100).filter((m) => m.topic === 'alpr/unit1/hits').length;

    it('updates the first hit when the plate is read again within the window, and queues no second message', () => {
      const [first] = seen('pass-a', NOW);
      expect(seen('pass-b', NOW + 8_000)).toEqual([]);
      const hits = new HitStore(t.db);
      expect(hits.count()).toBe(1);
      expect(hitMessages()).toBe(1);
      expect(hits.get(first!.hitId)).toMatchObject({ readId: 'pass-a', lastSeenAt: NOW + 8_000, repeats: 1 });
    });

    it('keeps extending the window while the plate stays in view, then raises a new hit after it', () => {
      seen('a', NOW);
      seen('b', NOW + 25_000);
      expect(seen('c', NOW + 50_000)).toEqual([]);
      expect(new HitStore(t.db).count()).toBe(1);
      const later = seen('d', NOW + 50_000 + 30_001);
      expect(later).toHaveLength(1);
      expect(new HitStore(t.db).count()).toBe(2);
      expect(hitMessages()).toBe(2);
    });

    it('raises a hit per camera: the same car passing a second camera is news to dispatch', () => {
      seen('front-1', NOW);
      expect(seen('rear-1', NOW + 2_000, 'rear')).toHaveLength(1);
      expect(hitMessages()).toBe(2);
    });

    it('raises a new hit when the same read matches another entry', () => {
      seen('a', NOW);
      lists.push({
        sourceId: 'ncic',
        versionId: 'ncic@v1',
        asOf: NOW,
        matcher: new Matcher([entry('ABC1234', 'CO', { key: 'ncic:ABC1234', source: 'NCIC' })], {
          lenientCategories: [],
        }),
      });
      const again = seen('b', NOW + 3_000);
      expect(again.map((h) => h.list.sourceId)).toEqual(['ncic']);
      expect(hitMessages()).toBe(2);
    });
  });
});
