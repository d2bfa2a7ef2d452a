import { randomBytes } from 'node:crypto';
import { tempDb } from '../hotlist/test-support.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { AuditLog } from '../store/audit-log.js';
import { CropStore } from '../store/crops.js';
import type { Db } from '../store/database.js';
import { HitStore } from '../store/hits.js';
import { HoldStore } from '../store/holds.js';
import { ReadStore } from '../store/reads.js';
import { storageConfigSchema } from './config.js';
import { StorageGuard } from './storage-guard.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const MB = 1024 * 1024;
const CROP = 20_000;

interface Line {
  level: string;
  msg: string;
  storage?: string;
  [k: string]: unknown;
}

function fill(db: Db, n: number): string[] {
  const reads = new ReadStore(db);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `r${String(i).padStart(2, '0')}`;
    reads.insert(
      {
        id,
        cameraId: 'front',
        text: `ABC${100 + i}`,
        confidence: 0.9,
        alternatives: [],
        state: 'CO',
        firstSeen: NOW - 3_600_000 + i * 1000 - 500,
        lastSeen: NOW - 3_600_000 + i * 1000,
        frames: 4,
        cropJpeg: randomBytes(CROP),
        box: { x: 0, y: 0, w: 90, h: 30 },
        frameWidth: 1280,
        frameHeight: 720,
      },
      { text: 'US-6' },
      NOW,
    );
    ids.push(id);
  }
  return ids;
}

function guardWith(db: Db, path: string, free: { bytes: number }) {
  const lines: Line[] = [];
  const log = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  const guard = new StorageGuard({
    db,
    config: { ...storageConfigSchema.parse({ path }), min_free_mb: 1, min_free_percent: 0 },
    clock: new ManualClock(NOW),
    log,
    probe: () => ({ availableBytes: free.bytes, totalBytes: 64 * MB }),
  });
  const changes: string[] = [];
  guard.onChange((s) => changes.push(s));
  return {
    guard,
    lines,
    changes,
    stateLines: () => lines.filter((l) => l.storage !== undefined).map((l) => l.storage),
  };
}

describe('low-space guard', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => {
    t = tempDb();
  });
  afterEach(() => t.cleanup());

  it('deletes the oldest crops not under a hold nor of a hit until free space is back above the floor, keeps every read, and audits it', async () => {
    const ids = fill(t.db, 30);
    new HoldStore(t.db).create(
      {
        caseNumber: 'CR-26-0042',
        reason: 'evidence',
        createdBy: 'sgt',
        reviewAt: Number.MAX_SAFE_INTEGER,
        scope: { kind: 'reads', readIds: ['r00'] },
      },
      NOW,
    );
    new HitStore(t.db).insert({
      id: 'h1',
      readId: 'r01',
      createdAt: NOW,
      cameraId: 'front',
      plate: 'ABC101',
      state: 'CO',
      category: 'stolen_vehicle',
      reason: 'stolen',
      entryJson: '{}',
      matchKind: 'exact',
      stateConfirmed: true,
      retrospective: false,
      listVersion: 'v1',
      listAgeS: 0,
    });
    // The file system has 200 KB less than the 1 MB floor; free pages inside the database count too.
    const inside = new CropStore(t.db).freeBytes();
    const free = { bytes: 1 * MB - 200_000 - inside };
    const { guard, stateLines, changes } = guardWith(t.db, t.dir, free);

    await guard.check();

    const kept = new Set(
      (t.db.prepare('SELECT read_id FROM read_crops').all() as { read_id: string }[]).map((r) => r.read_id),
    );
    const shed = ids.filter((id) => !kept.has(id));
    expect(kept.has('r00')).toBe(true); // under an evidence hold
    expect(kept.has('r01')).toBe(true); // a hit's crop, what a deputy verifies against
    // Oldest first, and only as many as needed: 1.1 MB resume mark - 0.8 MB free = ~305 KB = 16 crops of 20 KB.
    expect(shed).toEqual(ids.slice(2, 2 + shed.length));
    expect(shed.length).toBeGreaterThanOrEqual(15);
    expect(shed.length).toBeLessThanOrEqual(17);
    expect(new ReadStore(t.db).count()).toBe(30);
    expect(guard.status()).toMatchObject({ state: 'ok', crops_shed: shed.length });
    expect(guard.status().free_bytes).toBeGreaterThanOrEqual(1.1 * MB);
    expect(stateLines()).toEqual(['shedding_crops', 'ok']);
    expect(changes).toEqual(['shedding_crops', 'ok']);
    const audit = new AuditLog(t.db).between(0, NOW + 1).filter((e) => e.action === 'shed_crops');
    expect(audit.reduce((n, e) => n + e.resultCount, 0)).toBe(shed.length);
    expect(audit[0]).toMatchObject({
      username: 'system',
      outcome: 'allowed',
      detail: { kept_under_hold: 1, kept_of_hit: 1 },
    });
  });

  it('refuses crops when nothing is left to shed, logs each change of state once however often it checks, and resumes when space returns', async () => {
    fill(t.db, 3);
    new HoldStore(t.db).create(
      {
        caseNumber: 'CR-26-0043',
        reason: 'evidence',
        createdBy: 'sgt',
        reviewAt: Number.MAX_SAFE_INTEGER,
        scope: { kind: 'range', from: 0, to: NOW, platePattern: 'ABC*' },
      },
      NOW,
    );
    const free = { bytes: 100_000 };
    const { guard, stateLines, changes, lines } = guardWith(t.db, t.dir, free);

    for (let i = 0; i < 5; i++) await guard.check();
    expect(guard.state).toBe('crops_refused');
    expect(guard.cropsAllowed()).toBe(false);
    expect(new CropStore(t.db).oldestAfter({ lastSeen: -Infinity, rowid: 0 }, 10)).toHaveLength(3);

    // Writes failing: one line however many reads fail.
    for (let i = 0; i < 5; i++)
      guard.noteWriteFailed(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(guard.state).toBe('full');
    for (let i = 0; i < 5; i++) await guard.check();

    free.bytes = 10 * MB;
    guard.noteWriteOk();
    await guard.check();
    for (let i = 0; i < 5; i++) await guard.check();
    expect(guard.state).toBe('ok');
    expect(guard.cropsAllowed()).toBe(true);
    expect(stateLines()).toEqual(['crops_refused', 'full', 'ok']);
    expect(changes).toEqual(['crops_refused', 'full', 'ok']);
    expect(lines.find((l) => l.storage === 'full')).toMatchObject({ level: 'error', err: 'SQLITE_FULL' });
  });
});
