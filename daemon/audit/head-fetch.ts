import mqtt from 'mqtt';
import type { MqttConfig } from '../alerts/config.js';
import { brokerAuthOptions } from '../alerts/mqtt-publisher.js';
import { stripCredentials } from '../shared/redact.js';
import type { AuditHeadMessage } from './head-publisher.js';

/**
 * Reads the retained audit head the unit published (`<prefix>/<unit>/audit`) from its broker, for
 * `alpr-edge audit verify --from-broker`. Throws an Error saying what went wrong (no broker, no
 * retained head within `timeoutMs`, a malformed message).
 */
export async function fetchPublishedHead(
  config: MqttConfig,
  topic: string,
  timeoutMs = 5_000,
): Promise<AuditHeadMessage & { mac: string }> {
  const client = await mqtt
    .connectAsync(config.url, {
      ...brokerAuthOptions(config),
      clientId: `alpr-edge-audit-${process.pid}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
    })
    .catch((err: Error) => {
      throw new Error(`cannot reach the broker ${stripCredentials(config.url)}: ${err.message}`);
    });
  try {
    const payload = await new Promise<string>((resolve, reject) => {
      // A raw timer: a network wait in a CLI process, which has no injected Clock.
      const timer = setTimeout(
        () => reject(new Error(`no audit head retained on ${topic} (waited ${timeoutMs / 1000} s)`)),
        timeoutMs,
      );
      client.on('message', (t, p) => {
        if (t !== topic) return;
        clearTimeout(timer);
        resolve(p.toString());
      });
      client.subscribeAsync(topic, { qos: 1 }).catch((err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    let msg: Partial<AuditHeadMessage> | null;
    try {
      msg = JSON.parse(payload) as Partial<AuditHeadMessage> | null;
    } catch {
      msg = null;
    }
    if (!msg || typeof msg.seq !== 'number' || typeof msg.mac !== 'string' || !/^[0-9a-f]{64}$/.test(msg.mac))
      throw new Error(`the message on ${topic} is not an audit head with a MAC: ${payload.slice(0, 200)}`);
    return { unit: String(msg.unit), seq: msg.seq, mac: msg.mac, time: String(msg.time) };
  } finally {
    await client.endAsync().catch(() => client.end(true));
  }
}
