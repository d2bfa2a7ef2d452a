import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { AuditHeadPublisher, type AuditHeadMessage } from '../../daemon/audit/head-publisher.js';
import { createLogger, type Logger } from '../../daemon/shared/logger.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { AuditLog, useAuditKey } from '../../daemon/store/audit-log.js';
import Database from 'better-sqlite3';
import { runCli } from '../../daemon/cli/main.js';
import { sealHead } from '../../daemon/store/audit-chain.js';
import { announceSkip } from '../helpers/skip.js';
import { ROOT } from '../helpers/daemon.js';
import { addUser, fakeIo, PASSWORD } from '../policy/fixture.js';
import { startApi } from '../api/api-fixture.js';
import { type EdgeParts, edgeParts, UNIT } from './edge-parts.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';

const run = haveMosquitto() ? describe : describe.skip;
if (!haveMosquitto()) announceSkip('audit head on MQTT', '/usr/sbin/mosquitto is not installed');

/** The unit's MQTT publisher and its audit-head publisher (checking every 50 ms), both started. */
async function publishHeads(parts: EdgeParts, log: Logger) {
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
  return { publisher, heads };
}

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
    const { publisher, heads } = await publishHeads(parts, log);
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

  it('lets `audit verify --from-broker` catch a key holder who cut off the log after the head went out', async () => {
    const state = join(dir, 'unit');
    mkdirSync(state, { mode: 0o700 });
    const key = randomBytes(32);
    const keyFile = join(dir, 'audit-key');
    writeFileSync(keyFile, key, { mode: 0o400 });
    const configFile = join(dir, 'unit.yaml');
    writeFileSync(
      configFile,
      `unit: { id: ${UNIT} }
storage: { path: ${state} }
mqtt: { enabled: true, url: ${broker.url} }
access: { audit_key_file: ${keyFile} }
cameras:
  - { id: road, name: Road, url: ${join(ROOT, 'test-fixtures', 'drive-by.mp4')}, location: { lat: 39.74, lon: -105.51 } }
`,
    );
    const log = createLogger('warn', { write: () => {} });
    const parts = edgeParts(join(state, 'alpr-edge.db'), broker.url, log);
    useAuditKey(parts.db, key);
    await addUser(parts.db, 'auditor', 'auditor');
    const audit = new AuditLog(parts.db);
    for (let i = 0; i < 8; i++)
      audit.append({ at: Date.now(), username: 'deputy', role: 'operator', action: 'search', outcome: 'allowed' });
    const { publisher, heads } = await publishHeads(parts, log);
    const until = Date.now() + 10_000;
    while (!publisher.connected && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 300));
    heads.stop();
    await publisher.stop();
    parts.db.close();

    // Someone holding the key cuts the log back to entry 5 and reseals its head.
    const raw = new Database(join(state, 'alpr-edge.db'));
    raw.exec('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 5');
    const r5 = raw.prepare('SELECT seq, hash, mac FROM audit_log WHERE seq = 5').get() as {
      seq: number;
      hash: string;
      mac: string;
    };
    raw
      .prepare('UPDATE audit_head SET seq = 5, hash = ?, mac = ?, seal = ? WHERE id = 1')
      .run(r5.hash, r5.mac, sealHead(key, 5, r5.mac));
    raw.close();

    // The daemon's API over the cut log, with the key; the CLI takes the head from the broker itself.
    const rig = await startApi({ file: join(state, 'alpr-edge.db'), auditKey: key, clock: systemClock });
    const run = async (args: string[]) => {
      const io = fakeIo([PASSWORD]);
      const cmd = ['audit', 'verify', '--config', configFile, '--socket', rig.socket, '--user', 'auditor'];
      const code = await runCli([...cmd, ...args], io);
      return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
    };
    expect(await run([])).toMatchObject({ code: 0 });
    const fromBroker = await run(['--from-broker']);
    expect(fromBroker.out).toMatch(new RegExp(`published head on alpr/${UNIT}/audit \\(.+\\): 8:[0-9a-f]{64}`));
    expect(fromBroker.code).toBe(2);
    // The two runs' own entries (login, verify) refilled seq 6-8 after the cut: entry 8 is not the published one.
    expect(fromBroker.err).toMatch(
      /entry 8 does not carry the published MAC: the log was rewritten at or before entry 8/,
    );
    await rig.close();
  }, 30_000);
});
