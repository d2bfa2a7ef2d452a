import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { systemClock } from '../shared/clock.js';
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
  const entry = (): void =>
    void new AuditLog(db).append({
      at: Date.now(),
      username: 'u',
      role: 'operator',
      action: 'search',
      outcome: 'allowed',
    });

  beforeEach(() => {
    jest.useFakeTimers({ now: T0, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask', 'performance'] });
    db = openDatabase(':memory:');
    useAuditKey(db, randomBytes(32));
    sent = [];
    lines = [];
    connected = true;
    heads = new AuditHeadPublisher({
      db,
      clock: systemClock,
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
    jest.useRealTimers();
  });

  it('publishes at start, once for a burst of entries, and again every head_interval_s', async () => {
    entry();
    heads.start(new AbortController().signal);
    expect(sent.map((m) => m.seq)).toEqual([1]);
    for (let i = 0; i < 5; i++) entry();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(sent.map((m) => m.seq)).toEqual([1, 6]);
    expect(sent[1]).toMatchObject({ unit: 'unit7', mac: new AuditLog(db).lastEntry()!.mac });
    // Nothing new: nothing sent until the interval is up.
    await jest.advanceTimersByTimeAsync(296_000);
    expect(sent).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(4_000);
    expect(sent.map((m) => m.seq)).toEqual([1, 6, 6]);
    expect(lines.filter((l) => l.msg === 'audit head')).toHaveLength(3);
  });

  it('sends the latest head once the broker is back, and logs it to the journal meanwhile', async () => {
    connected = false;
    heads.start(new AbortController().signal);
    entry();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(sent).toHaveLength(0);
    expect(lines.filter((l) => l.msg === 'audit head').map((l) => l.seq)).toEqual([0, 1]);
    connected = true;
    await jest.advanceTimersByTimeAsync(2_000);
    expect(sent.map((m) => m.seq)).toEqual([1]);
  });
});
