/**
 * Writes a new audit key: 32 random bytes, mode 0400 (owner root when run as root), which the
 * daemon reads as the systemd credential `audit-key`. Never overwrites a key: a new key on a unit
 * with a keyed log would make every later entry fail to verify against the old ones.
 *
 *   sudo npx tsx scripts/make-audit-key.ts [/etc/alpr-edge/audit-key]
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { INSTALLED_AUDIT_KEY_FILE } from '../daemon/audit/audit-key.js';
import { AUDIT_KEY_BYTES } from '../daemon/store/audit-chain.js';

/** Creates the key file (fails with EEXIST if there is one) and returns its path. */
export function makeAuditKey(file: string = INSTALLED_AUDIT_KEY_FILE): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, randomBytes(AUDIT_KEY_BYTES), { mode: 0o400, flag: 'wx' });
  return file;
}

/**
 * An ephemeral key for the demo, benchmarks and soak runs: `<dir>/audit-key`, made if missing.
 * Their config names it as access.audit_key_file (a unit gets its key from systemd instead).
 */
export function ephemeralAuditKey(dir: string): string {
  const file = join(dir, 'audit-key');
  if (!existsSync(file)) makeAuditKey(file);
  return file;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? INSTALLED_AUDIT_KEY_FILE;
  try {
    makeAuditKey(file);
    console.log(
      `wrote the audit key ${file} (0400). Keep it off backups of the database: with both, anyone can rewrite the log.`,
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(
      code === 'EEXIST'
        ? `${file} exists; not overwritten (a new key would break the keyed audit log's chain)`
        : `cannot write ${file}: ${code ?? (err as Error).message}`,
    );
    process.exit(1);
  }
}
