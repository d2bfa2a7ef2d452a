import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

/** Distinct error texts kept per outage for the "back" line. */
const MAX_ERROR_KINDS = 5;

/**
 * The broker link's ups and downs in the journal, one line each: when it is lost (with the first
 * error) and when it is back (with the outage length, the reconnect attempts and each distinct
 * error with its count). mqtt.js retries every mqtt.reconnect_s and reports every failure; those
 * repeats are counted here, not printed (a 155-s outage at 2 s used to be 78 lines).
 */
export class BrokerLinkLog {
  private everConnected = false;
  private down: { since: number; attempts: number; errors: Map<string, number> } | null = null;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    /** The broker URL without credentials. */
    private readonly broker: string,
  ) {}

  /** mqtt.js 'connect'. */
  connected(): void {
    const d = this.down;
    const first = !this.everConnected;
    this.down = null;
    this.everConnected = true;
    if (!d) {
      this.log.info({ broker: this.broker }, 'mqtt connected');
      return;
    }
    this.log.info(
      {
        broker: this.broker,
        outage_s: Math.round((this.clock.now() - d.since) / 100) / 10,
        reconnect_attempts: d.attempts,
        errors: Object.fromEntries(d.errors),
      },
      first ? 'mqtt connected' : 'mqtt broker back',
    );
  }

  /** mqtt.js 'close': the link went down, or a reconnect attempt ended without a connection. */
  closed(): void {
    this.noteDown(undefined);
  }

  /** mqtt.js 'reconnect': another attempt begins. */
  reconnecting(): void {
    if (this.down) this.down.attempts++;
  }

  /** mqtt.js 'error' (ECONNREFUSED, a TLS or authorisation failure, ...). */
  failed(message: string): void {
    this.noteDown(message);
  }

  private noteDown(err: string | undefined): void {
    if (!this.down) {
      this.down = { since: this.clock.now(), attempts: 0, errors: new Map() };
      this.log.warn(
        { broker: this.broker, ...(err ? { err } : {}) },
        this.everConnected
          ? 'mqtt broker lost; hits wait in the outbox'
          : 'mqtt broker unreachable; hits wait in the outbox',
      );
    }
    if (err === undefined) return;
    const errors = this.down.errors;
    if (errors.has(err) || errors.size < MAX_ERROR_KINDS) errors.set(err, (errors.get(err) ?? 0) + 1);
  }
}
