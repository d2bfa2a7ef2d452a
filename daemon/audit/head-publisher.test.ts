import { randomBytes } from 'node:crypto';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { AuditLog, useAuditKey } from '../store/audit-log.js';
import { openDatabase, type Db } from '../store/database.js';
import { AuditHeadPublisher, type AuditHeadMessage } from './head-publisher.js';

const T0 = Date.UTC(2026, 10, 28, 12);

describe('AuditHeadPublisher', () => {
  let db: Db;
  let sent: AuditHeadMessage[];
  let lines: Record<string, unknown>[];
  let connected: boolean;
  let heads: AuditHeadPublisher;
  let clock: ManualClock;
  const entry = (): void =>
    void new AuditLog(db).append({
      at: clock.now(),
      username: 'u',
      role: 'operator',
      action: 'search',
      outcome: 'allowed',
    });

  beforeEach(() => {
    clock = new ManualClock(T0);
    db = openDatabase(':memory:');
    useAuditKey(db, randomBytes(32));
    sent = [];
    lines = [];
    connected = true;
    heads = new AuditHeadPublisher({
      db,
      clock,
      log: createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) }),
      unitId: 'unit7',
      topic: 'alpr/unit7/audit',
      publisher: {
        publishRetained: (_topic, payload) => {
          if (connected) sent.push(JSON.parse(payload) as AuditHeadMessage);
          return connected;
        },
      },
      intervalS: 300,
      checkMs: 2_000,
    });
  });
  afterEach(() => {
    heads.stop();
    db.close();
  });

  it('publishes at start, once for a burst of entries, and again every head_interval_s', () => {
    entry();
    heads.start(new AbortController().signal);
    expect(sent.map((m) => m.seq)).toEqual([1]);
    for (let i = 0; i < 5; i++) entry();
    clock.advance(2_000);
    expect(sent.map((m) => m.seq)).toEqual([1, 6]);
    expect(sent[1]).toMatchObject({ unit: 'unit7', mac: new AuditLog(db).lastEntry()!.mac });
    // Nothing new: nothing sent until the interval is up.
    clock.advance(296_000);
    expect(sent).toHaveLength(2);
    clock.advance(4_000);
    expect(sent.map((m) => m.seq)).toEqual([1, 6, 6]);
    expect(lines.filter((l) => l.msg === 'audit head')).toHaveLength(3);
  });

  it('sends the latest head once the broker is back, and logs it to the journal meanwhile', () => {
    connected = false;
    heads.start(new AbortController().signal);
    entry();
    clock.advance(2_000);
    expect(sent).toHaveLength(0);
    expect(lines.filter((l) => l.msg === 'audit head').map((l) => l.seq)).toEqual([0, 1]);
    connected = true;
    clock.advance(2_000);
    expect(sent.map((m) => m.seq)).toEqual([1]);
  });
});
