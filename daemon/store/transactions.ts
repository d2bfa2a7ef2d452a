import type { Db } from './database.js';

/**
 * Runs several repository calls as one unit, on the connection the repositories share. Rooms get
 * this instead of the database, so what must commit together still does.
 */
export interface Transactions {
  /** Runs `fn` in one transaction; inside an open one, in a savepoint. A throw rolls it back. */
  run<T>(fn: () => T): T;
  /** As `run`, but takes the write lock at BEGIN (BEGIN IMMEDIATE): for a write after a read. */
  immediate<T>(fn: () => T): T;
  /** Whether a transaction is open on the connection (what runs now commits only with it). */
  inTransaction(): boolean;
}

/** The transactions of an open database. */
export function transactionsOn(db: Db): Transactions {
  return {
    run: (fn) => db.transaction(fn)(),
    immediate: (fn) => db.transaction(fn).immediate(),
    inTransaction: () => db.inTransaction,
  };
}
