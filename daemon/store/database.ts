import Database from 'better-sqlite3';
import { accessSync, chmodSync, constants, existsSync, lstatSync, mkdirSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { createLogger, type Logger } from '../shared/logger.js';
import { migrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /**
   * Whether a missing file may be created. Only the daemon creates the database (it owns it, with
   * its service account and modes); every other opener passes false and gets a clear error.
   */
  create?: boolean;
  /** The schema to bring the file up to; default: every migration. */
  migrations?: readonly Migration[];
  /** Where a tightened file mode is reported; default: a JSON line on stdout, as the daemon logs. */
  log?: Pick<Logger, 'warn'>;
}

/** Thrown when `create: false` finds no database file. */
export class DatabaseMissingError extends Error {
  constructor(readonly file: string) {
    super(`no database at ${file}; the daemon creates it on first start`);
    this.name = 'DatabaseMissingError';
  }
}

/**
 * Thrown when the database or its folder exists but this account may not read and write it: most
 * often a database created by a command run as root before the daemon's first start.
 */
export class DatabaseAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseAccessError';
  }
}

/** Plate reads are personal data: only the daemon's account may read the files (rw-------). */
export const DATABASE_FILE_MODE = 0o600;
/** The folder that holds them: only the daemon's account may list or enter it (rwx------). */
export const DATABASE_DIR_MODE = 0o700;

/**
 * Opens (creating if needed, unless `create: false`) the unit's SQLite database in WAL mode and
 * brings its schema up to date. WAL lets the retention job and audited searches read while ingest
 * writes; `synchronous = NORMAL` is durable across process crashes (a power cut may lose the last
 * transaction, never corrupt the file). `secure_delete` overwrites deleted rows and freed pages
 * with zeros, so a purged plate cannot be read back from the file (policy 424.4).
 *
 * The folder is created 0700 and the files 0600; SQLite gives the `-wal` and `-shm` files the
 * main file's mode, and a looser mode left on a file this process owns is tightened (and logged).
 */
export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Db {
  const onDisk = file !== ':memory:' && file !== '';
  if (onDisk && opts.create === false && !existsSync(file)) throw new DatabaseMissingError(file);
  if (onDisk) {
    mkdirSync(dirname(file), { recursive: true, mode: DATABASE_DIR_MODE });
    checkAccess(file);
    // Before opening: SQLite creates -wal and -shm with the database file's mode.
    tightenModes(file, opts.log);
  }
  // The umask covers the database file when SQLite creates it; process.umask cannot be set in a
  // worker thread (no opener runs there).
  const previous = onDisk && isMainThread ? process.umask(0o077) : undefined;
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: opts.create === false });
    db.pragma('journal_mode = WAL');
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  migrate(db, opts.migrations ?? migrations);
  return db;
}

/**
 * Sets 0600 on the database, -wal and -shm files this process owns when group or others have any
 * access, and says so. Files owned by another account (root reading the daemon's files) and links
 * are left as they are. A folder open to others is only reported: it may be shared with other
 * things (the database's files are closed to others whatever the folder's mode).
 */
function tightenModes(file: string, given: Pick<Logger, 'warn'> | undefined): void {
  let log = given;
  const warn = (fields: Record<string, unknown>, msg: string): void => {
    log ??= createLogger().child({ component: 'store' });
    log.warn(fields, msg);
  };
  const uid = process.getuid?.();
  const ours = (st: Stats): boolean => uid === undefined || st.uid === uid;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    const st = lstatOrUndefined(f);
    if (!st?.isFile() || (st.mode & 0o077) === 0 || !ours(st)) continue;
    chmodSync(f, DATABASE_FILE_MODE);
    warn(
      { file: f, mode: (st.mode & 0o777).toString(8), now: DATABASE_FILE_MODE.toString(8) },
      'database file was open to other accounts; mode tightened',
    );
  }
  const dir = lstatOrUndefined(dirname(file));
  if (dir?.isDirectory() && (dir.mode & 0o077) !== 0 && ours(dir))
    warn(
      { folder: dirname(file), mode: (dir.mode & 0o777).toString(8) },
      'the database folder is open to other accounts; chmod 700 it',
    );
}

/**
 * Says plainly when SQLite would fail with "unable to open database file" or "attempt to write a
 * readonly database": the file, or the folder where it keeps -wal and -shm, belongs to another
 * account.
 */
function checkAccess(file: string): void {
  const folder = dirname(file);
  const needs: [string, number][] = [
    [folder, constants.R_OK | constants.W_OK | constants.X_OK],
    [file, constants.R_OK | constants.W_OK],
  ];
  for (const [path, mode] of needs) {
    const st = lstatOrUndefined(path);
    if (!st) continue;
    try {
      accessSync(path, mode);
    } catch {
      throw new DatabaseAccessError(
        `cannot open the database: ${path} belongs to uid ${st.uid} (mode ${(st.mode & 0o777).toString(8)}) and this account (uid ${process.getuid?.()}) may not read and write it; the database and its folder belong to the daemon's account (chown -R alpr-edge:alpr-edge ${folder})`,
      );
    }
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` with `secure_delete = FAST`: deleted rows are still zeroed in the pages a write changes
 * anyway, but freed overflow pages (crop images) keep their bytes until reused, so the delete needs
 * no more disk than the pages it changes. Only for making room on a disk too full to zero them.
 */
export function withoutZeroingFreedPages<T>(db: Db, fn: () => T): T {
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = FAST');
  try {
    return fn();
  } finally {
    db.pragma(`secure_delete = ${Number(before)}`);
  }
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
