import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_KEY_BYTES, type AuditKey } from '../store/audit-chain.js';
import { ConfigError } from '../shared/errors.js';

/** The systemd credential name (`LoadCredential=audit-key:...` in systemd/alpr-edge.service). */
export const AUDIT_KEY_CREDENTIAL = 'audit-key';
/** Where scripts/make-audit-key.ts writes the key on a unit (root, 0400); systemd hands it to the daemon. */
export const INSTALLED_AUDIT_KEY_FILE = '/etc/alpr-edge/audit-key';

/**
 * Reads an audit key file: 32 raw bytes, or 64 hex digits (a trailing newline allowed). Throws
 * an Error that names the file and what is wrong with it.
 */
export function readAuditKeyFile(file: string): AuditKey {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    throw new Error(
      `cannot read the audit key ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (raw.length === AUDIT_KEY_BYTES) return raw;
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  throw new Error(
    `the audit key ${file} is not ${AUDIT_KEY_BYTES} bytes (or 64 hex digits); write a new one with scripts/make-audit-key.ts`,
  );
}

/**
 * The audit key file this process should use: `access.audit_key_file` when the config sets it
 * (tests, development), else the systemd credential `$CREDENTIALS_DIRECTORY/audit-key`.
 */
export function auditKeyFile(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (configured) return configured;
  if (env.CREDENTIALS_DIRECTORY) return join(env.CREDENTIALS_DIRECTORY, AUDIT_KEY_CREDENTIAL);
  return undefined;
}

/**
 * The daemon's key. No key means no trustworthy audit log, so the daemon refuses to start
 * (ConfigError: exit 78, no restart loop) with a message that says how to create one.
 */
export function requireAuditKey(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): AuditKey {
  const file = auditKeyFile(configured, env);
  if (!file)
    throw new ConfigError(
      `no audit key: the daemon keys its audit log with a secret it does not have. Create one with
  sudo npx tsx scripts/make-audit-key.ts ${INSTALLED_AUDIT_KEY_FILE}
and start the daemon through systemd (alpr-edge.service loads it with LoadCredential=${AUDIT_KEY_CREDENTIAL}:${INSTALLED_AUDIT_KEY_FILE}),
or set access.audit_key_file in the config (development and tests)`,
    );
  try {
    return readAuditKeyFile(file);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/**
 * The key for a CLI process, which still writes the audit log itself until it goes through the
 * daemon's API: `--audit-key FILE`, the config's `access.audit_key_file`, the systemd credential,
 * or the installed key when this user may read it (root). Undefined when none is readable: the
 * process may then only add to a log that has no keyed entries, and verify checks the structure.
 */
export function cliAuditKey(
  flag: string | undefined,
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AuditKey | undefined {
  const file = flag ?? auditKeyFile(configured, env);
  if (file) return readAuditKeyFile(file);
  try {
    return readAuditKeyFile(INSTALLED_AUDIT_KEY_FILE);
  } catch {
    return undefined;
  }
}
