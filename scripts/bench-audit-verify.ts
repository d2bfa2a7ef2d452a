/**
 * How long `audit verify` takes on a large keyed log, with and without the key:
 *
 *   npx tsx scripts/bench-audit-verify.ts [ENTRIES=100000]
 *
 * Three years of a busy unit's audit log is a few hundred thousand entries.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuditLog, useAuditKey } from '../daemon/store/audit-log.js';
import { verifyAuditChain } from '../daemon/store/audit-verify.js';
import { openDatabase } from '../daemon/store/database.js';

const n = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'alpr-bench-audit-'));
const db = openDatabase(join(dir, 'audit.db'));
try {
  const key = randomBytes(32);
  useAuditKey(db, key);
  const audit = new AuditLog(db);
  const t0 = performance.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++)
      audit.append({
        at: Date.UTC(2024, 0, 1) + i * 1000,
        username: 'deputy',
        role: 'operator',
        action: 'search',
        outcome: 'allowed',
        purposeCategory: 'patrol_operation',
        caseNumber: `C-${i}`,
        query: { plate: 'ABC*', from: 0, to: 1 },
        resultCount: 3,
      });
  })();
  console.log(`append: ${(((performance.now() - t0) / n) * 1000).toFixed(1)} µs an entry (one transaction)`);
  for (const withKey of [true, false]) {
    const t = performance.now();
    const v = verifyAuditChain(db, withKey ? { key } : {});
    console.log(
      `verify ${withKey ? 'with the key' : 'without the key'}: ${n} entries in ${(performance.now() - t).toFixed(0)} ms (${v.ok ? 'intact' : v.message})`,
    );
  }
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
