import { defaultRetentionConfig } from '../../daemon/retention/config.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { RetentionJob } from '../../daemon/retention/retention-job.js';
import { cutoffFor, decide, globMatches } from '../../daemon/retention/retention-policy.js';
import { retentionConfigSchema } from '../../daemon/retention/config.js';
import { HoldStore } from '../../daemon/store/holds.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { PurgeRecordStore } from '../../daemon/store/purge-records.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { startApi } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addHit, addRead, addUser, tempDb, DAY, NOW } from './fixture.js';

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const none = { heldIds: new Set<string>(), ranges: [] };
const read = (over: Partial<{ id: string; plate: string; cameraId: string; lastSeen: number }> = {}) => ({
  id: 'r',
  plate: 'ABC123',
  cameraId: 'front',
  lastSeen: NOW - 22 * DAY,
  ...over,
});

// Policy 424.4: all ALPR data is purged after 21 days unless it is, or may become, evidence.
describe('424.4 retention policy (pure)', () => {
  const cutoff = cutoffFor(NOW, 21);

  it('discards a 22-day-old read and keeps a 20-day-old one', () => {
    expect(decide(read(), cutoff, none)).toBe('discard');
    expect(decide(read({ lastSeen: NOW - 20 * DAY }), cutoff, none)).toBe('keep');
    expect(decide(read({ lastSeen: cutoff }), cutoff, none)).toBe('keep');
    expect(decide(read({ lastSeen: cutoff - 1 }), cutoff, none)).toBe('discard');
  });

  it('keeps an old read named by a hold or inside a range hold', () => {
    expect(decide(read(), cutoff, { heldIds: new Set(['r']), ranges: [] })).toBe('held');
    const range = { holdId: 1, platePattern: 'AB?1*', from: NOW - 30 * DAY, to: NOW - 21.5 * DAY, cameraId: null };
    expect(decide(read(), cutoff, { heldIds: new Set(), ranges: [range] })).toBe('held');
    expect(decide(read({ plate: 'XYZ123' }), cutoff, { heldIds: new Set(), ranges: [range] })).toBe('discard');
    expect(decide(read({ lastSeen: NOW - 31 * DAY }), cutoff, { heldIds: new Set(), ranges: [range] })).toBe('discard');
    expect(decide(read(), cutoff, { heldIds: new Set(), ranges: [{ ...range, cameraId: 'rear' }] })).toBe('discard');
  });

  it('matches hold patterns like SQLite GLOB', () => {
    expect(globMatches('AB?1*', 'ABC123')).toBe(true);
    expect(globMatches('AB?1*', 'AB123')).toBe(false);
    expect(globMatches('*23', 'ABC123')).toBe(true);
  });

  it('never allows a window longer than 21 days in the config', () => {
    expect(retentionConfigSchema.parse(undefined).days).toBe(21);
    expect(retentionConfigSchema.parse({ days: 7 }).days).toBe(7);
    expect(() => retentionConfigSchema.parse({ days: 22 })).toThrow(/at most 21 days/);
  });
});

describe('424.4 retention job', () => {
  let t: ReturnType<typeof tempDb>;
  const job = (batch = 10, db = t.db) =>
    new RetentionJob({
      db,
      clock: new ManualClock(NOW),
      config: { ...defaultRetentionConfig, days: 21, batch_size: batch, pause_ms: 0 },
      auditRetentionDays: 1095,
      log: silentLogger(),
    });
  beforeEach(() => (t = tempDb()));
  afterEach(() => t.close());

  it('purges a 22-day-old read with its crop and hits, keeps a held one and a recent one, and records the run', async () => {
    const old = addRead(t.db, { plate: 'OLD001', at: NOW - 22 * DAY });
    addHit(t.db, old);
    const held = addRead(t.db, { plate: 'HELD01', at: NOW - 23 * DAY });
    addHit(t.db, held);
    const recent = addRead(t.db, { plate: 'NEW001', at: NOW - 20 * DAY });
    new HoldStore(t.db).create(
      {
        caseNumber: 'CR26-1',
        reason: 'homicide',
        createdBy: 'x',
        reviewAt: Number.MAX_SAFE_INTEGER,
        scope: { kind: 'reads', readIds: [held] },
      },
      NOW - 23 * DAY,
    );

    const rec = await job().runOnce(NOW);
    expect(rec).toMatchObject({
      windowDays: 21,
      readsDeleted: 1,
      cropsDeleted: 1,
      hitsDeleted: 1,
      keptUnderHold: 1,
      oldestRemaining: NOW - 23 * DAY,
      outcome: 'complete',
    });
    const ids = (t.db.prepare('SELECT id FROM reads ORDER BY id').all() as { id: string }[]).map((r) => r.id).sort();
    expect(ids).toEqual([held, recent].sort());
    expect(t.db.prepare('SELECT count(*) AS n FROM read_crops WHERE read_id = ?').get(old)).toEqual({ n: 0 });
    expect(t.db.prepare('SELECT count(*) AS n FROM hits').get()).toEqual({ n: 1 });
    expect(new PurgeRecordStore(t.db).between(0, NOW + 1)).toHaveLength(1);
    expect(new AuditLog(t.db).between(0, NOW + 1).pop()).toMatchObject({
      username: 'system',
      action: 'purge',
      resultCount: 1,
    });
    expect(statSync(`${t.file}-wal`).size).toBe(0); // checkpointed and truncated
  });

  it('purges undelivered MQTT messages about a purged read or hit, and keeps those of a recent one', async () => {
    const old = addRead(t.db, { plate: 'OLD001', at: NOW - 22 * DAY });
    const oldHit = addHit(t.db, old);
    const recent = addRead(t.db, { plate: 'NEW001', at: NOW - DAY });
    const add = t.db.prepare(
      "INSERT INTO outbox (kind, ref_id, topic, payload, created_at) VALUES ('hit', ?, 't', '{}', 0)",
    );
    for (const id of [old, oldHit, recent]) add.run(id);
    await job().runOnce(NOW);
    expect((t.db.prepare('SELECT ref_id FROM outbox').all() as { ref_id: string }[]).map((r) => r.ref_id)).toEqual([
      recent,
    ]);
  });

  it('purges a read once its hold is released', async () => {
    const rig = await startApi();
    try {
      const db = rig.t.db;
      const held = addRead(db, { plate: 'HELD01', at: NOW - 23 * DAY });
      const op = await addUser(db, 'deputy', 'operator');
      const door = new ApiDoor(rig);
      const h = await door.createHold(
        op,
        { category: 'criminal_investigation', caseNumber: 'CR26-1' },
        {
          reason: 'x',
          readIds: [held],
        },
      );
      expect((await job(10, db).runOnce(NOW)).keptUnderHold).toBe(1);
      const records = await addUser(db, 'records', 'records_manager');
      await (await door.client(records)).call('releaseHold', { reason: 'case closed' }, { id: h.id });
      expect((await job(10, db).runOnce(NOW + 1)).readsDeleted).toBe(1);
      expect(db.prepare('SELECT count(*) AS n FROM reads WHERE id = ?').get(held)).toEqual({ n: 0 });
    } finally {
      await rig.close();
    }
  });

  it('deletes in small batches past held reads, and leaves the audit log alone', async () => {
    for (let i = 0; i < 35; i++) addRead(t.db, { plate: `OLD${i}`, at: NOW - 25 * DAY + i });
    const keep = addRead(t.db, { plate: 'HELD', at: NOW - 25 * DAY - 1 });
    new HoldStore(t.db).create(
      {
        caseNumber: 'CR26-1',
        reason: 'x',
        createdBy: 'x',
        reviewAt: Number.MAX_SAFE_INTEGER,
        scope: { kind: 'reads', readIds: [keep] },
      },
      NOW,
    );
    const before = new AuditLog(t.db).between(0, NOW + 1).length;
    const rec = await job(10).runOnce(NOW);
    expect(rec.readsDeleted).toBe(35);
    expect(rec.batches).toBe(4);
    expect(new AuditLog(t.db).between(0, NOW + 1).length).toBe(before + 1);
    expect(new AuditLog(t.db).verify().ok).toBe(true);
  });

  it('runs at start and again every interval until stopped', async () => {
    const clock = new ManualClock(NOW);
    let finished = 0;
    const j = new RetentionJob({
      db: t.db,
      clock,
      config: { ...defaultRetentionConfig, days: 21, batch_size: 10, pause_ms: 0 },
      auditRetentionDays: 1095,
      log: silentLogger(),
      onRunFinished: () => finished++,
    });
    const runs = (): number => finished;
    j.start();
    await waitFor(() => runs() === 1);
    clock.advance(59 * 60_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(runs()).toBe(1);
    clock.advance(60_000);
    await waitFor(() => runs() === 2);
    await j.stop();
    clock.advance(60 * 60_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(runs()).toBe(2);
  });

  /** Whether `text` appears in the raw bytes of the database and its WAL, as `strings FILE | grep` would find it. */
  const onDisk = (text: string): boolean =>
    [t.file, `${t.file}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text, 'latin1')));

  /** Stores 200 old reads (with hits) of one plate and 5 recent ones of another, then purges. */
  async function purgeOnePlate(): Promise<void> {
    for (let i = 0; i < 200; i++) addHit(t.db, addRead(t.db, { plate: 'ZQX7311', at: NOW - 25 * DAY + i }));
    for (let i = 0; i < 5; i++) addRead(t.db, { plate: 'KPW2048', at: NOW - DAY + i });
    expect(onDisk('ZQX7311')).toBe(true);
    expect((await job(50).runOnce(NOW)).readsDeleted).toBe(200);
  }

  it('leaves no trace of a purged plate in the database files', async () => {
    await purgeOnePlate();
    expect(onDisk('ZQX7311')).toBe(false);
    expect(onDisk('KPW2048')).toBe(true); // the same search finds plates that are still stored
  });

  it('would leave purged plates readable in the file without secure delete', async () => {
    // The control for the test above: the same purge on a connection with secure_delete off
    // leaves the deleted rows in freed space, where `strings` finds them.
    t.db.pragma('secure_delete = OFF');
    await purgeOnePlate();
    expect(t.db.prepare("SELECT count(*) AS n FROM reads WHERE plate = 'ZQX7311'").get()).toEqual({ n: 0 });
    expect(onDisk('ZQX7311')).toBe(true);
  });

  it('trims the audit log only past its own (multi-year) retention, keeping the chain verifiable', async () => {
    const audit = new AuditLog(t.db);
    audit.append({ at: NOW - 1200 * DAY, username: 'x', role: 'operator', action: 'search', outcome: 'allowed' });
    audit.append({ at: NOW - 30 * DAY, username: 'x', role: 'operator', action: 'search', outcome: 'allowed' });
    await job().runOnce(NOW);
    const left = audit.between(0, NOW + 1);
    expect(left.map((e) => e.action)).toEqual(['search', 'purge', 'audit_purge']);
    expect(audit.verify()).toMatchObject({ ok: true });
  });
});
