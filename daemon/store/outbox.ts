import type { Db } from './database.js';

export interface OutboxMessage {
  seq: number;
  kind: string;
  refId: string;
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  createdAt: number;
}

/** A message to queue; `qos` defaults to 1. */
export type NewOutboxMessage = { kind: string; refId: string; topic: string; payload: string; qos?: 0 | 1 | 2 };

interface OutboxRow {
  seq: number;
  kind: string;
  ref_id: string;
  topic: string;
  payload: string;
  qos: number;
  created_at: number;
}

/** The rows of the durable outbox, as alerts/outbox.ts queues and drains them. */
export interface OutboxRepository {
  /** Inserts a message; returns its `seq`. Call inside the transaction that writes the row it announces. */
  append(m: NewOutboxMessage, now: number): number;
  /** The oldest messages after `afterSeq`, in order. */
  peek(limit: number, afterSeq: number): OutboxMessage[];
  /** Removes a message; removing an already removed one is a no-op. */
  remove(seq: number): void;
  /** How many messages wait. */
  depth(): number;
}

/** Table `outbox` (migration 012). */
export class OutboxStore implements OutboxRepository {
  private readonly insertStmt;
  private readonly headStmt;
  private readonly deleteStmt;
  private readonly depthStmt;

  /** @param db an open database (see openDatabase). */
  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO outbox (kind, ref_id, topic, payload, qos, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.headStmt = db.prepare('SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.deleteStmt = db.prepare('DELETE FROM outbox WHERE seq = ?');
    this.depthStmt = db.prepare('SELECT count(*) AS n FROM outbox');
  }

  append(m: NewOutboxMessage, now: number): number {
    return Number(this.insertStmt.run(m.kind, m.refId, m.topic, m.payload, m.qos ?? 1, now).lastInsertRowid);
  }

  peek(limit: number, afterSeq: number): OutboxMessage[] {
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

  remove(seq: number): void {
    this.deleteStmt.run(seq);
  }

  depth(): number {
    return (this.depthStmt.get() as { n: number }).n;
  }
}
