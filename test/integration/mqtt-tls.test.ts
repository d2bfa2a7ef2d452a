import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { parseConfigText } from '../../daemon/config/load.js';
import { MqttPublisher } from '../../daemon/alerts/mqtt-publisher.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { edgeParts, UNIT } from './edge-parts.js';
import { haveMosquitto, TestBroker } from './mosquitto.js';
import { announceSkip } from '../helpers/skip.js';

const PASSWD = '/usr/bin/mosquitto_passwd';
const ready = haveMosquitto() && existsSync(PASSWD);
if (!ready) announceSkip('MQTT TLS test', 'mosquitto or mosquitto_passwd is not installed');

/** A CA, a broker certificate for 127.0.0.1 and a client certificate for the unit. */
function makePki(dir: string): void {
  const run = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=alpr test CA', '-days', '2');
  writeFileSync(join(dir, 'srv.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn, ext] of [
    ['srv', '127.0.0.1', 'srv.cnf'],
    ['unit', UNIT, undefined],
  ] as const) {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      ...(ext ? ['-extfile', ext] : []),
    );
  }
}

(ready ? describe : describe.skip)(
  'MQTT over TLS with a client certificate and a password from a systemd credential',
  () => {
    let broker: TestBroker;
    let files: TestBroker;
    let pki: string;
    beforeAll(async () => {
      // A second TestBroker is only a temp folder for the PKI; it never starts.
      files = new TestBroker();
      pki = files.dir;
      makePki(pki);
      execFileSync(PASSWD, ['-c', '-b', join(pki, 'passwd'), UNIT, 's3cret-pw'], { stdio: 'pipe' });
      broker = new TestBroker({
        cafile: join(pki, 'ca.pem'),
        certfile: join(pki, 'srv.pem'),
        keyfile: join(pki, 'srv.key'),
        passwordFile: join(pki, 'passwd'),
      });
      await broker.start();
    });
    afterAll(async () => {
      await broker.dispose();
      await files.dispose();
    });

    const mqttYaml = (dir: string, url: string) =>
      [
        'unit: { id: unit7 }',
        'cameras: [{ id: front, name: Front, url: "rtsp://127.0.0.1/x", location: { lat: 39.74, lon: -105.51 } }]',
        'mqtt:',
        '  enabled: true',
        `  url: ${url}`,
        `  ca_file: ${join(dir, 'ca.pem')}`,
        `  cert_file: ${join(dir, 'unit.pem')}`,
        `  key_file: ${join(dir, 'unit.key')}`,
        '  username: unit7',
        '  password: ${MQTT_PASSWORD}',
        '  reconnect_s: 0.3',
        '',
      ].join('\n');

    it('connects with the configured CA, client certificate and ${MQTT_PASSWORD}, and delivers a hit; a wrong password keeps it queued', async () => {
      const got: string[] = [];
      const sub = mqtt.connect(broker.url, {
        ca: readFileSync(join(pki, 'ca.pem')),
        cert: readFileSync(join(pki, 'unit.pem')),
        key: readFileSync(join(pki, 'unit.key')),
        username: UNIT,
        password: 's3cret-pw',
        clientId: 'dispatch-tls',
      });
      sub.on('message', (topic, payload) => topic.endsWith('/hits') && got.push(JSON.parse(payload.toString()).id));
      await new Promise<void>((resolve, reject) => {
        sub.once('connect', () => resolve());
        sub.once('error', reject);
      });
      await sub.subscribeAsync(`alpr/${UNIT}/#`, { qos: 1 });

      // Wrong credential: the broker refuses, the hit waits in the outbox.
      const wrong = parseConfigText(mqttYaml(pki, broker.url), 'wrong.yaml', {
        get: (n) => (n === 'MQTT_PASSWORD' ? 'nope' : undefined),
      });
      const a = edgeParts(join(pki, 'a.db'), broker.url);
      const pa = new MqttPublisher({
        config: wrong.mqtt,
        unitId: UNIT,
        topics: a.topics,
        outbox: a.outbox,
        clock: systemClock,
        log: silentLogger(),
      });
      await pa.start(new AbortController().signal);
      a.readHotPlate(1);
      await new Promise((r) => setTimeout(r, 1000));
      expect(pa.connected).toBe(false);
      expect(a.outbox.depth()).toBe(1);
      await pa.stop();
      a.db.close();

      const right = parseConfigText(mqttYaml(pki, broker.url), 'right.yaml', {
        get: (n) => (n === 'MQTT_PASSWORD' ? 's3cret-pw' : undefined),
      });
      const b = edgeParts(join(pki, 'b.db'), broker.url);
      const pb = b.publisher(right.mqtt);
      await pb.start(new AbortController().signal);
      const hit = b.readHotPlate(2);
      const until = Date.now() + 10_000;
      while (!got.includes(hit.hitId) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      expect(got).toEqual([hit.hitId]);
      await pb.stop();
      await sub.endAsync();
      b.db.close();
    });
  },
);
