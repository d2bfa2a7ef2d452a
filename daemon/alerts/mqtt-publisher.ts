import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { stripCredentials } from '../shared/redact.js';
import type { MqttConfig } from './config.js';
import type { Outbox, OutboxMessage } from './outbox.js';
import type { ListStatus } from '../hotlist/hotlist-service.js';
import { buildStatusPayload } from './payloads.js';
import type { GpsStatus } from '../position/gps-position.js';
import type { Topics } from './topics.js';
import { BrokerLinkLog } from './broker-link-log.js';

/** What the health reporter (and anything else with fire-and-forget telemetry) needs. */
export interface VolatilePublisher {
  /** Publishes now if connected; returns false (message dropped) when not. Telemetry is not queued. */
  publishVolatile(topic: string, payload: string, qos?: 0 | 1): boolean;
}

/** Sending past the outbox, for hits that cannot be stored (disk full). */
export interface DirectPublisher {
  readonly connected: boolean;
  /**
   * Publishes with QoS 1 now, without the outbox. Resolves true once the broker acknowledged it,
   * false when not connected, on an error, or without PUBACK within mqtt.ack_timeout_s (the
   * message may still arrive: receivers drop repeats by id).
   */
  publishNow(topic: string, payload: string): Promise<boolean>;
}

export interface MqttPublisherDeps {
  config: MqttConfig;
  unitId: string;
  topics: Topics;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  /** Hotlist versions and ages for the status message (HotlistService.listStatus). */
  listStatus?: () => ListStatus[];
  /** The low-space guard's state for the status message (StorageGuard.state). */
  storageState?: () => string;
  /** A patrol car's GPS fix state for the status message (GpsPosition.status). */
  gpsStatus?: () => GpsStatus;
}

/** How often the outbox is re-read when nothing in this process announced a row (CLI retro-hits). */
const POLL_MS = 1_000;
const STATUS_REFRESH_MS = 10 * 60_000;

/**
 * Sends the durable outbox to the broker in `seq` order with QoS 1, at most `max_in_flight` at a
 * time, and deletes each row only after its PUBACK. While the broker is away rows simply wait;
 * after a restart the same rows are sent again, so delivery is at-least-once and receivers drop
 * duplicates by `id`. Also owns the retained `status` topic and its last will.
 */
export class MqttPublisher implements VolatilePublisher, DirectPublisher {
  private client: MqttClient | undefined;
  private pump: Promise<void> | undefined;
  private stopCtl: AbortController | undefined;
  private kick: (() => void) | undefined;
  private stopStatusRefresh: (() => void) | undefined;
  private offAppend: (() => void) | undefined;
  private stopping = false;
  /** Acknowledged rows whose delete failed (disk full): not sent again, deleted later. */
  private readonly acked = new Set<number>();
  private readonly delivered = new Set<(m: OutboxMessage) => void>();

  /** Stores its dependencies; connects in start(). */
  constructor(private readonly deps: MqttPublisherDeps) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects (without waiting for the broker: it may be away for hours) and starts draining the outbox. */
  async start(signal: AbortSignal): Promise<void> {
    const c = this.deps.config;
    this.stopCtl = new AbortController();
    // The pump runs until stop(), not until the daemon's stop signal: the daemon signals stop
    // first, then stops the cameras, whose last reads' hits stop() must still send.
    const stop = this.stopCtl.signal;
    if (signal.aborted) return;
    const log = this.deps.log;
    const client = mqtt.connect(c.url, this.clientOptions());
    this.client = client;
    const link = new BrokerLinkLog(log, this.deps.clock, stripCredentials(c.url));
    client.on('connect', () => {
      // Nagle + delayed ACK holds a hit split over TCP segments ~40 ms; a hit must go at once.
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      link.connected();
      this.publishStatus('online');
      this.wakePump();
    });
    client.on('close', () => {
      if (!this.stopping) link.closed();
      this.wakePump();
    });
    client.on('error', (err) => link.failed(stripCredentials(err.message)));
    client.on('reconnect', () => link.reconnecting());
    this.offAppend = this.deps.outbox.onAppend(() => this.wakePump());
    // The retained status carries list ages; refresh it so a late subscriber does not read hours-old ages.
    this.stopStatusRefresh = this.deps.clock.every(STATUS_REFRESH_MS, () => this.refreshStatus());
    this.pump = this.runPump(stop);
  }

  /**
   * Sends what the outbox holds while connected (up to mqtt.stop_drain_s, waiting for PUBACKs), so
   * the hit of a vehicle finalised during the stop goes before exit; then publishes `offline`
   * (retained), stops the pump and disconnects. Rows still unsent stay in the outbox.
   */
  async stop(): Promise<void> {
    this.stopStatusRefresh?.();
    this.stopping = true;
    await this.drain(this.deps.config.stop_drain_s * 1000);
    this.stopCtl?.abort(new Error('mqtt publisher stopping'));
    this.wakePump();
    await this.pump;
    this.offAppend?.();
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      const offline = this.statusPayload('offline');
      const sent = client.publishAsync(this.deps.topics.status, offline, { qos: 1, retain: true });
      await withTimeout(sent, 2_000, this.deps.clock).catch(() => undefined);
    }
    await withTimeout(client.endAsync(), 3_000, this.deps.clock).catch(() => client.end(true));
    this.client = undefined;
  }

  publishNow(topic: string, payload: string): Promise<boolean> {
    const client = this.client;
    if (!client?.connected) return Promise.resolve(false);
    const acked = client.publishAsync(topic, payload, { qos: 1 });
    return withTimeout(acked, this.deps.config.ack_timeout_s * 1000, this.deps.clock).then(
      () => true,
      () => false,
    );
  }

  /**
   * Publishes a retained QoS 1 message when connected; false when not (the caller tries again
   * later). For state a late subscriber must still get, such as the audit head.
   */
  publishRetained(topic: string, payload: string): boolean {
    const client = this.client;
    if (!client?.connected) return false;
    client.publish(topic, payload, { qos: 1, retain: true }, (err) => {
      if (err) this.deps.log.warn({ topic, err: err.message }, 'retained publish failed');
    });
    return true;
  }

  publishVolatile(topic: string, payload: string, qos: 0 | 1 = 0): boolean {
    const client = this.client;
    if (!client?.connected) return false;
    client.publish(topic, payload, { qos }, (err) => {
      if (err) this.deps.log.debug({ topic, err: err.message }, 'volatile publish failed');
    });
    return true;
  }

  /** Re-publishes the retained status (call when the hotlist versions change). */
  refreshStatus(): void {
    if (this.client?.connected) this.publishStatus('online');
  }

  /** Called after each outbox message's PUBACK (bench and tests measure delivery with it). */
  onDelivered(f: (m: OutboxMessage) => void): () => void {
    this.delivered.add(f);
    return () => this.delivered.delete(f);
  }

  private async runPump(stop: AbortSignal): Promise<void> {
    const c = this.deps.config;
    while (!stop.aborted) {
      for (const seq of [...this.acked]) this.removeSent(seq);
      const client = this.client;
      const batch = client?.connected
        ? this.deps.outbox
            .peek(c.max_in_flight + this.acked.size)
            .filter((m) => !this.acked.has(m.seq))
            .slice(0, c.max_in_flight)
        : [];
      if (!client || batch.length === 0) {
        await this.waitForKick(stop, POLL_MS);
        continue;
      }
      try {
        await this.sendBatch(client, batch, stop);
      } catch (err) {
        this.deps.log.warn(
          { err: (err as Error).message, pending: batch.length },
          'outbox batch not acknowledged; resending after reconnect',
        );
        // A silent broker (no PUBACK, connection still "up") is treated like a dead one.
        if (client.connected && (err as Error).message.includes('PUBACK')) client.stream.destroy();
        await this.waitForKick(stop, POLL_MS);
      }
    }
  }

  /** Publishes a batch in order; resolves when every message is acknowledged and deleted. */
  private sendBatch(client: MqttClient, batch: OutboxMessage[], stop: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let left = batch.length;
      const settled = new AbortController();
      const finish = (err?: Error): void => {
        if (settled.signal.aborted) return;
        settled.abort();
        client.removeListener('close', onClose);
        stop.removeEventListener('abort', onStop);
        if (err) reject(err);
        else resolve();
      };
      const onClose = (): void => finish(new Error('connection closed before PUBACK'));
      const onStop = (): void => finish();
      void this.deps.clock.sleep(this.deps.config.ack_timeout_s * 1000, settled.signal).then(() => {
        if (!settled.signal.aborted) finish(new Error(`no PUBACK within ${this.deps.config.ack_timeout_s} s`));
      });
      client.once('close', onClose);
      stop.addEventListener('abort', onStop, { once: true });
      // The connection may have dropped since the batch was read; mqtt.js would queue silently.
      if (!client.connected) return finish(new Error('connection closed before publish'));
      for (const m of batch) {
        client.publish(m.topic, m.payload, { qos: m.qos }, (err) => {
          if (err) return finish(err);
          // A late PUBACK after a reconnect still means the broker has it: delete in any case.
          this.removeSent(m.seq);
          for (const f of this.delivered) f(m);
          if (--left === 0) finish();
        });
      }
    });
  }

  /**
   * Deletes an acknowledged row. On a full disk even a delete can fail (it needs WAL space): the
   * row is then remembered as sent, not sent again, and deleted once the disk allows.
   */
  private removeSent(seq: number): void {
    try {
      this.deps.outbox.remove(seq);
      this.acked.delete(seq);
    } catch (err) {
      if (this.acked.size === 0)
        this.deps.log.warn(
          { err: (err as Error).message },
          'cannot delete sent messages from the outbox; they are not sent again and go once the disk allows',
        );
      this.acked.add(seq);
    }
  }

  /** Waits `ms` of the clock, or less when the pump is woken (wakePump) or stopped. */
  private async waitForKick(stop: AbortSignal, ms: number): Promise<void> {
    if (stop.aborted) return;
    // One controller for both wake-ups; AbortSignal.any on the long-lived stop signal would
    // leave a dependent signal behind per wait on some Node 20 releases.
    const woken = new AbortController();
    const wake = (): void => woken.abort();
    stop.addEventListener('abort', wake, { once: true });
    this.kick = wake;
    await this.deps.clock.sleep(ms, woken.signal);
    stop.removeEventListener('abort', wake);
    if (this.kick === wake) this.kick = undefined;
  }

  private wakePump(): void {
    this.kick?.();
  }

  /** Lets the pump run until the outbox is empty, the link drops, or `ms` pass. */
  private async drain(ms: number): Promise<void> {
    const client = this.client;
    if (!client?.connected || !this.pump || ms <= 0) return;
    const waiting = (): number => this.deps.outbox.depth() - this.acked.size;
    const before = waiting();
    if (before === 0) return;
    const { clock } = this.deps;
    const t0 = clock.now();
    this.wakePump();
    let left = before;
    while (left > 0 && client.connected && clock.now() - t0 < ms) {
      await clock.sleep(10);
      left = waiting();
    }
    const fields = { sent: before - left, left, ms: Math.round(clock.now() - t0) };
    if (left === 0) this.deps.log.info(fields, 'outbox sent before stop');
    else this.deps.log.warn(fields, 'stopping with messages in the outbox; they are sent after the next start');
  }

  private publishStatus(state: 'online' | 'offline'): void {
    this.client?.publish(this.deps.topics.status, this.statusPayload(state), { qos: 1, retain: true }, (err) => {
      if (err) this.deps.log.warn({ err: err.message }, 'status publish failed');
    });
  }

  private statusPayload(state: 'online' | 'offline'): string {
    return JSON.stringify(
      buildStatusPayload(
        this.deps.unitId,
        state,
        this.deps.clock.now(),
        this.deps.listStatus?.() ?? [],
        this.deps.storageState?.(),
        this.deps.gpsStatus?.(),
      ),
    );
  }

  private clientOptions(): IClientOptions {
    const c = this.deps.config;
    return {
      ...brokerAuthOptions(c),
      clientId: c.client_id || `alpr-edge-${this.deps.unitId}`,
      clean: true,
      keepalive: c.keepalive_s,
      reconnectPeriod: c.reconnect_s * 1000,
      connectTimeout: 10_000,
      queueQoSZero: false,
      will: {
        topic: this.deps.topics.status,
        payload: Buffer.from(this.statusPayload('offline')),
        qos: 1,
        retain: true,
      },
    };
  }
}

/** Credentials and TLS files from mqtt config, for every client that talks to the unit's broker. */
export function brokerAuthOptions(
  c: Pick<MqttConfig, 'reject_unauthorized' | 'username' | 'password' | 'ca_file' | 'cert_file' | 'key_file'>,
): IClientOptions {
  const read = (what: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(
        `mqtt.${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  };
  return {
    rejectUnauthorized: c.reject_unauthorized,
    ...(c.username ? { username: c.username } : {}),
    ...(c.password ? { password: c.password } : {}),
    ...(c.ca_file ? { ca: read('ca_file', c.ca_file) } : {}),
    ...(c.cert_file ? { cert: read('cert_file', c.cert_file) } : {}),
    ...(c.key_file ? { key: read('key_file', c.key_file) } : {}),
  };
}

/** Settles as `p` does, or rejects with "timeout" once `ms` of the clock pass first. */
function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock): Promise<T> {
  const settled = new AbortController();
  return new Promise<T>((resolve, reject) => {
    void clock.sleep(ms, settled.signal).then(() => {
      if (!settled.signal.aborted) reject(new Error('timeout'));
    });
    p.then(
      (v) => {
        settled.abort();
        resolve(v);
      },
      (e: unknown) => {
        settled.abort();
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
