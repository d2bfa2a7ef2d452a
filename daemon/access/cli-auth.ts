import { userInfo } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import type { CliIo } from '../cli/command.js';
import { openDatabase, type Db } from '../store/database.js';
import { useAuditKey } from '../store/audit-log.js';
import { cliAuditKey } from '../audit/audit-key.js';
import { AccessDeniedError } from '../shared/errors.js';
import { defaultAccessConfig, type AccessConfig } from './config.js';
import { defaultRetentionConfig, type RetentionConfig } from '../retention/config.js';
import { Authenticator } from './authenticate.js';
import type { AuthenticatedUser } from './authorize.js';

/** The database file inside `storage.path`. */
export const DATABASE_FILE_NAME = 'alpr-edge.db';
export const DEFAULT_CONFIG_FILE = '/etc/alpr-edge/config.yaml';

export interface CliAuthOptions {
  /** The user name (`--user NAME`); defaults to the login name of the person at the terminal. */
  user?: string | undefined;
  /** The `access` config section (lockout, session); defaults apply without a config file. */
  access?: AccessConfig | undefined;
  /** Time source, for tests. */
  now?: (() => number) | undefined;
}

/**
 * Asks the person running a CLI command for their password (never from the command line) and
 * logs them in. The login, a failure and a lockout are audited. Throws AccessDeniedError.
 * Stable API: the hotlist room's `alpr-edge hotlist add` uses it with requireAuthorized or
 * authorizeAudited (authorize.ts).
 */
export async function authenticateCliUser(io: CliIo, db: Db, opts: CliAuthOptions = {}): Promise<AuthenticatedUser> {
  const username = opts.user ?? defaultUserName();
  if (!username) throw new AccessDeniedError('give --user NAME');
  const password = await io.promptSecret(`Password for ${username}: `);
  const now = opts.now ?? Date.now;
  return new Authenticator(db, opts.access ?? defaultAccessConfig).login(username, password, now(), 'cli');
}

function defaultUserName(): string | undefined {
  try {
    return process.env.ALPR_EDGE_USER ?? userInfo().username;
  } catch {
    return undefined;
  }
}

/** What a governance CLI command works with. */
export interface CliContext {
  db: Db;
  access: AccessConfig;
  retention: RetentionConfig;
  unitId: string;
  agency: string;
  /** Folder of the database (the bootstrap secret is written beside it). */
  storageDir: string;
}

/**
 * Opens the unit's database for a CLI command: `--db FILE` (tests, forensic copies) or the
 * storage path of `--config FILE` (default /etc/alpr-edge/config.yaml).
 */
export function openCliContext(values: Record<string, string>): CliContext {
  const ctx = openContext(values);
  try {
    const key = cliAuditKey(values['audit-key'], ctx.access.audit_key_file);
    if (key) useAuditKey(ctx.db, key);
  } catch (err) {
    ctx.db.close();
    throw err;
  }
  return ctx;
}

function openContext(values: Record<string, string>): CliContext {
  if (values.db) {
    return {
      db: openDatabase(values.db),
      access: defaultAccessConfig,
      retention: defaultRetentionConfig,
      unitId: 'unit',
      agency: "Clear Creek County Sheriff's Office",
      storageDir: join(values.db, '..'),
    };
  }
  const config = loadConfigFile(values.config ?? DEFAULT_CONFIG_FILE);
  return {
    db: openDatabase(join(config.storage.path, DATABASE_FILE_NAME)),
    access: config.access,
    retention: config.retention,
    unitId: config.unit.id,
    agency: config.unit.agency,
    storageDir: config.storage.path,
  };
}

/** Flags every governance command takes. */
export const CONTEXT_FLAGS = ['config', 'db', 'user', 'audit-key'] as const;
