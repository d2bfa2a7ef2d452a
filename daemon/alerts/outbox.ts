import type { Db } from '../store/database.js';
import { OutboxStore, type NewOutboxMessage, type OutboxMessage, type OutboxRepository } from '../store/outbox.js';

export type { OutboxMessage } from '../store/outbox.js';

/**
 * The durable outbox (table `outbox`, migration 012). Writers append inside their own
 * transaction; the publisher reads in `seq` order and removes a row only after the broker's
 * PUBACK. In-process writers wake the publisher through `onAppend`; rows written by another
 * process (the CLI's retrospective hits) are found by the publisher's periodic poll.
 */
export class Outbox {
  private readonly rows: OutboxRepository;
  private readonly listeners = new Set<() => void>();

  /** @param db an open database (see openDatabase); its rows go through store/outbox.ts. */
  constructor(db: Db) {
    this.rows = new OutboxStore(db);
  }

  /**
   * Adds a message. Call inside the transaction that writes the row it announces; call
   * `notify()` after that transaction commits (never before: the publisher must not see a
   * message whose hit could still roll back).
   */
  append(m: NewOutboxMessage, now: number): number {
    return this.rows.append(m, now);
  }

  /** Wakes the publisher after a commit. */
  notify(): void {
    for (const f of this.listeners) {
      try {
        f();
      } catch {
        /* a listener's failure must not fail the writer */
      }
    }
  }

  onAppend(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** The oldest messages after `afterSeq`, in order. */
  peek(limit: number, afterSeq = 0): OutboxMessage[] {
    return this.rows.peek(limit, afterSeq);
  }

  /** Removes a message the broker acknowledged. Removing an already removed one is a no-op. */
  remove(seq: number): void {
    this.rows.remove(seq);
  }

  depth(): number {
    return this.rows.depth();
  }
}
