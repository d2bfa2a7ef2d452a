import type { Db } from './database.js';

/** The one-time secret pending exchange for the first administrator (its SHA-256 only). */
export interface PendingSecret {
  id: number;
  secretHash: string;
}

/** Table `bootstrap_secrets` (migration 020): issued one-time secrets, by hash, and when each was spent. */
export class BootstrapSecretStore {
  private readonly pendingStmt;
  private readonly dropPendingStmt;
  private readonly insertStmt;
  private readonly spendStmt;

  /** @param db an open database (migrations applied). */
  constructor(db: Db) {
    this.pendingStmt = db.prepare('SELECT id, secret_hash FROM bootstrap_secrets WHERE used_at IS NULL');
    this.dropPendingStmt = db.prepare('DELETE FROM bootstrap_secrets WHERE used_at IS NULL');
    this.insertStmt = db.prepare('INSERT INTO bootstrap_secrets (secret_hash, issued_at) VALUES (?, ?)');
    this.spendStmt = db.prepare('UPDATE bootstrap_secrets SET used_at = ? WHERE id = ?');
  }

  /** The secret issued and not yet spent, if any. */
  pending(): PendingSecret | undefined {
    const row = this.pendingStmt.get() as { id: number; secret_hash: string } | undefined;
    return row && { id: row.id, secretHash: row.secret_hash };
  }

  /** Replaces any unspent secret with a new one (by hash). Call inside a transaction. */
  replacePending(secretHash: string, now: number): void {
    this.dropPendingStmt.run();
    this.insertStmt.run(secretHash, now);
  }

  /** Marks secret `id` spent at `now`. */
  spend(id: number, now: number): void {
    this.spendStmt.run(now, id);
  }
}
