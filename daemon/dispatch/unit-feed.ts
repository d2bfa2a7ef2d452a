import mqtt, { type MqttClient } from 'mqtt';
import { hitPayloadSchema } from '../alerts/hit-schema.js';
import { BrokerLinkLog } from '../alerts/broker-link-log.js';
import { brokerAuthOptions } from '../alerts/mqtt-publisher.js';
import type { HitPayload } from '../alerts/payloads.js';
import type { Service } from '../lifecycle/lifecycle.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { stripCredentials } from '../shared/redact.js';
import type { DispatchStore } from '../store/dispatch-store.js';
import type { DispatchConfig } from './config.js';

export interface UnitFeedDeps {
  config: DispatchConfig['broker'];
  store: Pick<DispatchStore, 'storeHit' | 'recordStatus' | 'recordHealth'>;
  clock: Clock;
  log: Logger;
  /** retention.days: a hit read longer ago than this is dropped, not stored. */
  retentionDays: number;
  /** A new hit was stored (the page's live stream looks for it). */
  onHit(): void;
  /** A unit's status or health changed. */
  onUnit(unitId: string): void;
}

/** The three topics the console reads, per unit: `<prefix>/<unit>/<kind>`. */
const KINDS = ['hits', 'status', 'health'] as const;
type Kind = (typeof KINDS)[number];

/**
 * The console's subscription to every unit: a persistent session (clean: false, fixed client id)
 * at QoS 1, so the broker queues hits while the console is down and hands them over when it comes
 * back. Each message is stored before mqtt.js acknowledges it (the store is synchronous), so a
 * crash between the two redelivers it, and the hit id makes the second copy a no-op.
 */
export class UnitFeed implements Service {
  readonly name = 'unit feed';
  private client: MqttClient | undefined;
  private connectedOnce = false;
  private redeliverPending = false;

  /** Stores its dependencies; connects in start(). */
  constructor(private readonly deps: UnitFeedDeps) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects without waiting for the broker (it may be away); the session's queue arrives on connect. */
  start(signal: AbortSignal): void {
    if (signal.aborted) return;
    const c = this.deps.config;
    const log = this.deps.log;
    const client = mqtt.connect(c.url, {
      ...brokerAuthOptions(c),
      clientId: c.client_id,
      clean: false,
      keepalive: c.keepalive_s,
      reconnectPeriod: c.reconnect_s * 1000,
      connectTimeout: 10_000,
    });
    this.client = client;
    const link = new BrokerLinkLog(log, this.deps.clock, stripCredentials(c.url));
    client.on('connect', (ack) => {
      link.connected();
      // A kept session still has its subscriptions; subscribing again is harmless and covers a broker that lost it.
      if (!ack.sessionPresent || !this.connectedOnce)
        client.subscribe(
          KINDS.map((k) => `${c.topic_prefix}/+/${k}`),
          { qos: 1 },
          (err) => {
            if (err) log.error({ err: err.message }, 'could not subscribe to the units');
          },
        );
      this.connectedOnce = true;
    });
    client.on('close', () => link.closed());
    client.on('error', (err) => link.failed(stripCredentials(err.message)));
    client.on('reconnect', () => link.reconnecting());
    // Messages go through handleMessage, which mqtt.js calls before it sends the PUBACK: a message
    // that could not be stored is not acknowledged, and a new connection makes the broker send it again.
    client.handleMessage = (packet, callback) => {
      if (packet.cmd !== 'publish' || this.take(packet.topic, packet.payload as Buffer)) {
        callback();
        return;
      }
      callback(new Error('not stored'));
      if (!this.redeliverPending) {
        this.redeliverPending = true;
        setImmediate(() => {
          this.redeliverPending = false;
          client.stream?.destroy();
        });
      }
    };
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync();
  }

  /**
   * One message: stored, or logged and dropped when it is not one the console understands (true
   * either way); false when it could not be stored and should come again.
   */
  private take(topic: string, payload: Buffer | string): boolean {
    const prefix = `${this.deps.config.topic_prefix}/`;
    const rest = topic.startsWith(prefix) ? topic.slice(prefix.length).split('/') : [];
    const [unitId, kind] = rest as [string | undefined, Kind | undefined];
    if (rest.length !== 2 || !unitId || !kind || !KINDS.includes(kind)) return true;
    const log = this.deps.log;
    const now = this.deps.clock.now();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload.toString()) as Record<string, unknown>;
    } catch {
      log.warn({ unit: unitId, kind }, 'dropped a message that is not JSON');
      return true;
    }
    let newHit = false;
    try {
      if (kind === 'hits') {
        const hit = hitPayloadSchema.safeParse(body);
        if (!hit.success) {
          log.warn(
            { unit: unitId, problem: hit.error.issues[0]?.message },
            'dropped a hit message the console cannot read',
          );
          return true;
        }
        const keepAfter = now - this.deps.retentionDays * 86_400_000;
        newHit = this.deps.store.storeHit(unitId, hit.data as HitPayload, now, keepAfter);
      } else if (kind === 'status') {
        if (body.state !== 'online' && body.state !== 'offline') return true;
        this.deps.store.recordStatus(unitId, body.state, body, now);
      } else {
        this.deps.store.recordHealth(unitId, body, now);
      }
    } catch (err) {
      log.error(
        { unit: unitId, kind, err: (err as Error).message },
        'could not store a unit message; the broker sends it again',
      );
      return false;
    }
    // Stored: telling the page is best effort and never makes the broker send the message again.
    try {
      if (newHit) this.deps.onHit();
      this.deps.onUnit(unitId);
    } catch (err) {
      log.warn({ unit: unitId, err: (err as Error).message }, 'could not tell the page about a unit message');
    }
    return true;
  }
}
