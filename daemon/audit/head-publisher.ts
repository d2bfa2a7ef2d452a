import type { Db } from '../store/database.js';
import { AuditLog } from '../store/audit-log.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

/** The one MqttPublisher method this needs. */
export interface RetainedPublisher {
  /** Retained, QoS 1; false when not connected. */
  publishRetained(topic: string, payload: string): boolean;
}

/** What goes out on `<prefix>/<unit>/audit`: enough for `alpr-edge audit verify --expect-head SEQ:MAC`. */
export interface AuditHeadMessage {
  unit: string;
  seq: number;
  mac: string | null;
  time: string;
}

export interface AuditHeadPublisherDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  unitId: string;
  /** `topicsFor(...).audit`. */
  topic: string;
  /** Undefined when mqtt.enabled is false: the head then goes to the journal only. */
  publisher: RetainedPublisher | undefined;
  /** audit.head_interval_s: publish at least this often. */
  intervalS: number;
  /** How often the head is looked at for a change (CLI processes write the log too). */
  checkMs?: number;
}

/**
 * Publishes the audit log's head off the unit: every audit.head_interval_s, and within a few
 * seconds of any new entry (one message for a burst of them). It looks at the head rather than
 * being told of each action, because CLI processes write the log too. Someone holding the database (and
 * even the key) can cut off the log's end; they cannot take back a head already on the broker
 * and in the journal, which `audit verify --expect-head` compares against.
 */
export class AuditHeadPublisher {
  private stopTimer: (() => void) | undefined;
  private lastSeq = -1;
  private lastAt = 0;
  private unsent: AuditHeadMessage | undefined;
  private audit: AuditLog | undefined;

  /** Stores its dependencies; start() begins publishing. */
  constructor(private readonly deps: AuditHeadPublisherDeps) {}

  start(signal: AbortSignal): void {
    if (signal.aborted) return;
    this.audit = new AuditLog(this.deps.db);
    this.tick(true);
    this.stopTimer = this.deps.clock.every(this.deps.checkMs ?? 2_000, () => this.tick(false));
  }

  /** Publishes the final head, so the last entries before a stop are covered too. */
  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.tick(false);
  }

  private tick(force: boolean): void {
    if (!this.audit) return;
    try {
      const head = this.audit.lastEntry();
      const seq = head?.seq ?? 0;
      const now = this.deps.clock.now();
      const due = now - this.lastAt >= this.deps.intervalS * 1000;
      if (force || due || seq !== this.lastSeq) {
        const msg: AuditHeadMessage = {
          unit: this.deps.unitId,
          seq,
          mac: head?.mac ?? null,
          time: new Date(now).toISOString(),
        };
        // The journal line's own time is the message's time (a second "time" key would clash).
        this.deps.log.info({ unit: msg.unit, seq: msg.seq, mac: msg.mac }, 'audit head');
        this.lastSeq = seq;
        this.lastAt = now;
        this.unsent = msg;
      }
      if (this.unsent && this.deps.publisher?.publishRetained(this.deps.topic, JSON.stringify(this.unsent)))
        this.unsent = undefined;
    } catch (err) {
      // A busy or closing database must not stop the daemon; the next check tries again.
      this.deps.log.warn({ err: (err as Error).message }, 'cannot read the audit head');
    }
  }
}
