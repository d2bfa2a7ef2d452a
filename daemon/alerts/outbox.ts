import type { Db } from '../store/database.js';

export interface OutboxMessage {
  seq: number;
  kind: string;
  refId: string;
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  createdAt: number;
}

interface OutboxRow {
  seq: number;
  kind: string;
  ref_id: string;
  topic: string;
  payload: string;
  qos: number;
  created_at: number;
}

/**
 * The durable outbox (table `outbox`, migration 012). Writers append inside their own
 * transaction; the publisher reads in `seq` order and removes a row only after the broker's
 * PUBACK. In-process writers wake the publisher through `onAppend`; rows written by another
 * process (the CLI's retrospective hits) are found by the publisher's periodic poll.
 */
export class Outbox {
  private readonly insertStmt;
  private readonly headStmt;
  private readonly deleteStmt;
  private readonly depthStmt;
  private readonly listeners = new Set<() => void>();

  /** @param db an open database (see openDatabase). */
  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO outbox (kind, ref_id, topic, payload, qos, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.headStmt = db.prepare('SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.deleteStmt = db.prepare('DELETE FROM outbox WHERE seq = ?');
    this.depthStmt = db.prepare('SELECT count(*) AS n FROM outbox');
  }

  /**
   * Adds a message. Call inside the transaction that writes the row it announces; call
   * `notify()` after that transaction commits (never before: the publisher must not see a
   * message whose hit could still roll back).
   */
  append(m: { kind: string; refId: string; topic: string; payload: string; qos?: 0 | 1 | 2 }, now: number): number {
    return Number(this.insertStmt.run(m.kind, m.refId, m.topic, m.payload, m.qos ?? 1, now).lastInsertRowid);
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
    return (this.headStmt.all(afterSeq, limit) as OutboxRow[]).map((r) => ({
      seq: r.seq,
      kind: r.kind,
      refId: r.ref_id,
      topic: r.topic,
      payload: r.payload,
      qos: r.qos as 0 | 1 | 2,
      createdAt: r.created_at,
    }));
  }

  /** Removes a message the broker acknowledged. Removing an already removed one is a no-op. */
  remove(seq: number): void {
    this.deleteStmt.run(seq);
  }

  depth(): number {
    return (this.depthStmt.get() as { n: number }).n;
  }
}
