import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the unit's SQLite database in WAL mode and brings its schema up to
 * date. WAL lets the retention job and audited searches read while ingest writes; `synchronous =
 * NORMAL` is durable across process crashes (a power cut may lose the last transaction, never
 * corrupt the file).
 */
export function openDatabase(file: string, list: readonly Migration[] = migrations): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, list);
  return db;
}

/** Applies, in id order, each migration not yet recorded in `schema_migrations`, each in its own transaction. */
export function migrate(db: Db, list: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id));
  const ids = new Set<number>();
  for (const m of list) {
    if (ids.has(m.id)) throw new Error(`two migrations share id ${m.id} (${m.name})`);
    ids.add(m.id);
  }
  const applied: number[] = [];
  for (const m of [...list].sort((a, b) => a.id - b.id)) {
    if (done.has(m.id)) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, Date.now());
    })();
    applied.push(m.id);
  }
  return applied;
}

/**
 * SQLite result codes that say the disk, not the data, is at fault (full, I/O, read-only, locked
 * out): the same write may succeed later, so a read that failed with one is kept and retried.
 */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|NOMEM|PROTOCOL)/;

export function isStorageError(err: unknown): boolean {
  // By shape, not instanceof: the native addon keeps the SqliteError class of the first module
  // instance that loaded it, so in a process with several module registries (jest) instanceof fails.
  const e = err as { name?: unknown; code?: unknown } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    e.name === 'SqliteError' &&
    typeof e.code === 'string' &&
    STORAGE_CODES.test(e.code)
  );
}
