import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { AuditHeadPublisher, type AuditHeadMessage } from '../../daemon/audit/head-publisher.js';
import { createLogger } from '../../daemon/shared/logger.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { AuditLog, useAuditKey } from '../../daemon/store/audit-log.js';
import { announceSkip } from '../helpers/skip.js';
import { edgeParts, UNIT } from './edge-parts.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';

const run = haveMosquitto() ? describe : describe.skip;
if (!haveMosquitto()) announceSkip('audit head on MQTT', '/usr/sbin/mosquitto is not installed');

run('the audit head, published off the unit', () => {
  const broker = new TestBroker();
  const dir = mkdtempSync(join(tmpdir(), 'alpr-audit-head-'));
  beforeAll(() => broker.start());
  afterAll(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('arrives retained (QoS 1) for a subscriber that connects later, goes to the journal, and proves the log it covers', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
    const parts = edgeParts(join(dir, 'unit.db'), broker.url, log);
    useAuditKey(parts.db, randomBytes(32));
    const audit = new AuditLog(parts.db);
    const entry = (n: number) =>
      audit.append({
        at: Date.now(),
        username: 'deputy',
        role: 'operator',
        action: 'search',
        outcome: 'allowed',
        resultCount: n,
      });
    entry(1);
    const publisher = parts.publisher();
    const ctl = new AbortController();
    await publisher.start(ctl.signal);
    const heads = new AuditHeadPublisher({
      db: parts.db,
      clock: systemClock,
      log,
      unitId: UNIT,
      topic: parts.topics.audit,
      publisher,
      intervalS: 300,
      checkMs: 50,
    });
    heads.start(ctl.signal);
    // A burst of audited actions after the start: one head covers them.
    for (let i = 2; i <= 4; i++) entry(i);
    const last = audit.lastEntry()!;
    const until = Date.now() + 10_000;
    while (!lines.some((l) => l.msg === 'audit head' && l.seq === last.seq) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 300));
    heads.stop();
    await publisher.stop();

    const journal = lines.filter((l) => l.msg === 'audit head');
    expect(journal.at(-1)).toMatchObject({ unit: UNIT, seq: 4, mac: last.mac });
    expect(journal.length).toBeLessThanOrEqual(3);

    const late = await mqtt.connectAsync(broker.url, { clientId: 'auditor', clean: true });
    const got = new Promise<{ topic: string; body: AuditHeadMessage; retain: boolean; qos: number }>((resolve) =>
      late.on('message', (topic, payload, packet) =>
        resolve({
          topic,
          body: JSON.parse(payload.toString()) as AuditHeadMessage,
          retain: packet.retain,
          qos: packet.qos,
        }),
      ),
    );
    await late.subscribeAsync(`alpr/${UNIT}/audit`, { qos: 1 });
    const msg = await got;
    await late.endAsync();
    expect(msg).toMatchObject({ topic: `alpr/${UNIT}/audit`, retain: true, qos: 1 });
    expect(msg.body).toMatchObject({ unit: UNIT, seq: 4, mac: last.mac });
    expect(Date.parse(msg.body.time)).not.toBeNaN();
    // The published head is what `audit verify --expect-head` takes.
    expect(audit.verify({ expectHead: { seq: msg.body.seq, mac: msg.body.mac! } })).toMatchObject({ ok: true });
    parts.db.close();
  }, 30_000);
});
