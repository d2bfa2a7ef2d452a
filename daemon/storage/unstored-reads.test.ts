import Database from 'better-sqlite3';
import { HitRecorder } from '../alerts/hit-recorder.js';
import { Outbox } from '../alerts/outbox.js';
import { topicsFor } from '../alerts/topics.js';
import { cameraSchema } from '../config/camera-schema.js';
import { HitDecider } from '../hotlist/hit-decider.js';
import { Matcher } from '../hotlist/matcher.js';
import { hotEntry, tempDb } from '../hotlist/test-support.js';
import type { PlateRead } from '../store/plate-read.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { HitStore } from '../store/hits.js';
import { type ReadLocation, ReadStore } from '../store/reads.js';
import { transactionsOn } from '../store/transactions.js';
import { UnstoredReads } from './unstored-reads.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const camera = cameraSchema.parse({ id: 'front', name: 'Front gate', url: 'rtsp://cam/1', location: { text: 'US-6' } });
const entry = hotEntry('HOT1234', { key: 'cbi:HOT1', state: null, reason: 'Stolen' });

/** A disk that is full until the test says otherwise. */
class FullDiskReads extends ReadStore {
  full = true;
  override insert(read: PlateRead, location: ReadLocation, now: number, opts?: { withCrop?: boolean }): void {
    if (this.full) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    super.insert(read, location, now, opts);
  }
}

const read = (id: string, text: string): PlateRead => ({
  id,
  cameraId: 'front',
  text,
  confidence: 0.93,
  alternatives: [],
  state: null,
  firstSeen: NOW - 800,
  lastSeen: NOW,
  frames: 5,
  cropJpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
  box: { x: 0, y: 0, w: 90, h: 30 },
  frameWidth: 1280,
  frameHeight: 720,
});

describe('reads that cannot be stored', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => {
    t = tempDb();
  });
  afterEach(() => t.cleanup());

  function setup(opts: { connected: boolean; maxReads?: number; brokerSilent?: boolean; stopWaitMs?: number }) {
    const lines: { msg: string; [k: string]: unknown }[] = [];
    const log = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s)) });
    const outbox = new Outbox(t.db);
    const clock = new ManualClock(NOW);
    const recorder = new HitRecorder({
      db: t.db,
      decider: new HitDecider({
        lists: {
          activeLists: () => [
            {
              sourceId: 'cbi',
              versionId: 'cbi@v1',
              asOf: NOW,
              matcher: new Matcher([entry], { lenientCategories: [] }),
            },
          ],
        },
        history: new HitStore(t.db),
        clock,
      }),
      outbox,
      topics: topicsFor('alpr', 'unit1'),
      unitId: 'unit1',
      clock,
      log,
      staleAfterMs: 86_400_000,
      includeCrop: true,
    });
    const published: { topic: string; id: string }[] = [];
    const publisher = {
      connected: opts.connected,
      publishNow: async (topic: string, payload: string) => {
        if (opts.brokerSilent) return new Promise<boolean>(() => {});
        if (!publisher.connected) return false;
        published.push({ topic, id: (JSON.parse(payload) as { id: string }).id });
        return true;
      },
    };
    const failures: string[] = [];
    let oks = 0;
    const reads = new FullDiskReads(t.db);
    const unstored = new UnstoredReads({
      tx: transactionsOn(t.db),
      reads,
      recorder,
      notifyOutbox: () => outbox.notify(),
      publisher,
      guard: {
        cropsAllowed: () => true,
        noteWriteFailed: (e) => void failures.push(e.code ?? e.message),
        noteWriteOk: () => void oks++,
      },
      clock,
      log,
      maxReads: opts.maxReads ?? 100,
      retryMs: 1000,
      stopWaitMs: opts.stopWaitMs ?? 100,
    });
    const flushPromises = () => new Promise((r) => setImmediate(r));
    return { lines, outbox, reads, unstored, published, publisher, failures, oks: () => oks, flushPromises, clock };
  }

  it('sends a hit straight to the broker, logs it once acknowledged, and stores read and hit later without sending it again', async () => {
    const u = setup({ connected: true });
    const err = new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    u.unstored.keep(read('r1', 'HOT1234'), camera, err);
    u.unstored.keep(read('r2', 'CLEAN99'), camera, err);
    await u.flushPromises();
    expect(u.published.map((p) => p.topic)).toEqual(['alpr/unit1/hits']);
    expect(u.failures).toEqual(['SQLITE_FULL', 'SQLITE_FULL']);
    expect(u.lines.filter((l) => l.msg === 'hotlist hit')).toMatchObject([
      { hit: u.published[0]!.id, read: 'r1', stored: false, sent: true },
    ]);

    // Still full: nothing stored, nothing lost.
    u.unstored.flush();
    expect(u.unstored.size).toBe(2);

    u.reads.full = false;
    u.unstored.flush();
    expect(u.unstored.size).toBe(0);
    expect(new ReadStore(t.db).count()).toBe(2);
    expect(new HitStore(t.db).forRead('r1').map((h) => h.id)).toEqual([u.published[0]!.id]);
    expect(u.outbox.depth()).toBe(0); // acknowledged already: no outbox row
    expect(u.lines.filter((l) => l.msg === 'hotlist hit')).toHaveLength(1);
    expect(u.lines.find((l) => l.msg === 'reads kept in memory are stored')).toMatchObject({ reads: 2, dropped: 0 });
    expect(u.oks()).toBe(1);
  });

  it('queues a hit for the outbox when the broker could not be reached, and logs it once stored', async () => {
    const u = setup({ connected: false });
    u.unstored.keep(read('r1', 'HOT1234'), camera, new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'));
    await u.flushPromises();
    expect(u.published).toHaveLength(0);
    expect(u.lines.filter((l) => l.msg === 'hotlist hit')).toHaveLength(0);
    u.reads.full = false;
    u.unstored.flush();
    const [hit] = new HitStore(t.db).forRead('r1');
    expect(u.outbox.peek(10).map((m) => m.refId)).toEqual([hit!.id]);
    expect(u.lines.filter((l) => l.msg === 'hotlist hit')).toMatchObject([{ hit: hit!.id, stored_late: true }]);
  });

  it('keeps at most maxReads, dropping the oldest read without a hit first, and says so once', async () => {
    const u = setup({ connected: false, maxReads: 3 });
    const err = new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    u.unstored.keep(read('hot-old', 'HOT1234'), camera, err);
    for (let i = 0; i < 5; i++) u.unstored.keep(read(`plain${i}`, `CLEAN${i}`), camera, err);
    expect(u.unstored.size).toBe(3);
    u.reads.full = false;
    u.unstored.flush();
    const kept = (t.db.prepare('SELECT id FROM reads ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    expect(kept).toEqual(['hot-old', 'plain3', 'plain4']);
    expect(u.lines.filter((l) => /in-memory queue is full/.test(l.msg))).toHaveLength(1);
    expect(u.lines.find((l) => l.msg === 'reads kept in memory are stored')).toMatchObject({
      dropped: 3,
      hits_dropped: 0,
    });
  });

  it('waits up to stopWaitMs of the clock at stop for a hit still unacknowledged, then says what is lost', async () => {
    const u = setup({ connected: true, brokerSilent: true, stopWaitMs: 60_000 });
    u.unstored.keep(read('r1', 'HOT1234'), camera, new Database.SqliteError('database or disk is full', 'SQLITE_FULL'));
    let stopped = false;
    const stopping = u.unstored.stop().then(() => {
      stopped = true;
    });
    await u.flushPromises();
    u.clock.advance(59_000);
    await u.flushPromises();
    expect(stopped).toBe(false);
    u.clock.advance(1_000);
    await stopping;
    expect(u.lines.find((l) => /could not be stored; they are lost/.test(l.msg))).toMatchObject({
      read_ids: ['r1'],
      hits_unsent: [expect.any(String)],
    });
  });
});
