import type Database from 'better-sqlite3';

/**
 * Widens a CHECK constraint in place: replaces `from` with `to` in a table's stored CREATE
 * statement. SQLite cannot alter a CHECK, and rebuilding `users` would break the foreign keys
 * that point at it; this is the procedure SQLite documents for loosening a constraint
 * (https://sqlite.org/lang_altertable.html#otheralter). Throws if `from` is not found, so a
 * schema that drifted fails loudly instead of half-migrating.
 */
export function widenCheck(db: Database.Database, table: string, from: string, to: string): void {
  const row = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as
    | { sql: string }
    | undefined;
  if (!row?.sql.includes(from)) throw new Error(`table ${table} has no "${from}" to widen`);
  const version = db.pragma('schema_version', { simple: true }) as number;
  db.unsafeMode(true);
  try {
    db.pragma('writable_schema = ON');
    db.prepare("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?").run(
      row.sql.replace(from, to),
      table,
    );
    db.pragma(`schema_version = ${version + 1}`);
  } finally {
    db.pragma('writable_schema = OFF');
    db.unsafeMode(false);
  }
}
