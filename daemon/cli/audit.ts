import { writeFileSync } from 'node:fs';
import { COMMON_HELP, governed, parseTime } from '../access/cli-support.js';
import { CONTEXT_FLAGS, openCliContext } from '../access/cli-auth.js';
import { renderAuditReportHtml } from '../access/audit-report-html.js';
import { AuditLog, auditKeyOf, type AuditVerification } from '../store/audit-log.js';
import { parseHead } from '../store/audit-chain.js';
import type { CliCommand, CliIo } from './command.js';
import { parseFlags } from './main.js';

const HELP = `usage: alpr-edge audit verify [--expect-head SEQ:MAC]
       alpr-edge audit report --from TIME --to TIME [--html FILE] [--json FILE]

verify: walks the whole audit log from its anchor and reports the first entry that was edited,
inserted, deleted or renumbered, time stepping back more than 5 s, an anchor moved without a
keyed audit_purge entry, a rewritten head or a leftover purge permit. With the audit key (see
--audit-key) each entry's MAC is checked, which nobody without the key can recompute; without
it only the unkeyed structure is checked, and the output says so (a keyed copy is then checked
without a login: the file's holder can read it anyway, and no entry is added to it).
--expect-head SEQ:MAC: the head published on <prefix>/<unit>/audit (or in the journal, "audit
head"): also proves that nothing up to it was cut off or rewritten, even by a key holder.
Exit 0 when intact, 2 when not. (auditor, technician, administrator)

report: the regular audit of policy 424.5(e) for a period: searches by user and purpose
(with refusals), hits and their verification outcomes, evidence holds, purges, exports,
releases, records requests, logins and lockouts, and users whose training lapsed. Prints a
summary; --html writes a page a person can read or print, --json the same data for tools.
(auditor, administrator; needs current training since the report shows queried plates)

${COMMON_HELP}`;

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'verify the tamper-evident audit log; write the audit report (HTML/JSON)',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    const known = { values: ['from', 'to', 'html', 'json', 'expect-head'] };
    if (action === 'verify') {
      const keyless = verifyKeyedCopyWithoutKey(rest, io);
      if (keyless !== undefined) return keyless;
    }
    return governed(rest, io, known, ({ ctx, user, access, values }) => {
      if (action === 'verify') {
        const expectHead = values['expect-head'] ? parseHead(values['expect-head']) : undefined;
        return printVerification(
          io,
          access.verifyAuditLog(user, { expectHead, retentionDays: ctx.access.audit_retention_days }),
        );
      }
      if (action === 'report') {
        const from = parseTime(values.from, '--from');
        const to = parseTime(values.to, '--to', { endOfDay: true });
        const r = access.auditReport(user, {
          from,
          to: to + 1,
          unitId: ctx.unitId,
          trainingWarningDays: ctx.access.training_warning_days,
          auditRetentionDays: ctx.access.audit_retention_days,
        });
        if (values.json) writeFileSync(values.json, `${JSON.stringify(r, null, 2)}\n`, { mode: 0o640 });
        if (values.html) writeFileSync(values.html, renderAuditReportHtml(r), { mode: 0o640 });
        io.out(`audit report ${r.from} .. ${r.to} (unit ${r.unit_id})`);
        io.out(
          `  audit log: ${r.chain.ok ? `intact (${r.chain.entries} entries, ${r.chain.keyed ? 'MACs checked' : 'structure only: no audit key'})` : `TAMPERED: ${r.chain.message}`}`,
        );
        io.out(
          `  head covered: ${r.audit_head ? `${r.audit_head.seq}:${r.audit_head.mac ?? '(unkeyed)'}` : 'none (empty log)'}`,
        );
        io.out(
          `  searches: ${r.searches_by_user_and_purpose.reduce((n, g) => n + Object.values(g.actions).reduce((a, b) => a + b, 0), 0)} by ${new Set(r.searches_by_user_and_purpose.map((g) => g.username)).size} user(s); refusals: ${r.refusals.length}`,
        );
        io.out(
          `  hits: ${r.hits.total} (${r.hits.confirmed} confirmed, ${r.hits.rejected} rejected, ${r.hits.unverified} unverified)`,
        );
        io.out(
          `  holds changed: ${r.holds.length}; purges: ${r.purges.length}; exports: ${r.exports.length}; releases: ${r.releases.length}; records requests: ${r.records_requests.length}`,
        );
        io.out(
          `  logins: ${r.logins.reduce((n, l) => n + l.succeeded, 0)} ok, ${r.logins.reduce((n, l) => n + l.failed, 0)} failed, ${r.lockouts.length} lockout(s)`,
        );
        io.out(
          `  training lapsed or expiring: ${r.training_lapsed.map((u) => `${u.username} (${u.status})`).join(', ') || 'none'}`,
        );
        if (values.html) io.out(`  HTML: ${values.html}`);
        if (values.json) io.out(`  JSON: ${values.json}`);
        return r.chain.ok ? 0 : 2;
      }
      throw new Error(`unknown action "${action ?? ''}" (see alpr-edge audit --help)`);
    });
  },
};

/** Prints a verification; the exit status is 0 when intact, 2 when not. */
function printVerification(io: CliIo, v: AuditVerification): number {
  if (v.ok) {
    const range = v.entries ? ` (${v.firstSeq}..${v.lastSeq})` : '';
    io.out(
      `audit log intact: ${v.entries} entries${range}, ${v.keyed ? 'MACs verified with the audit key' : 'hash chain verified (structure only)'}`,
    );
  } else io.err(`AUDIT LOG TAMPERED: ${v.message}`);
  for (const n of v.notes) io.out(`  ${n}`);
  if (v.head) io.out(`  head: ${v.head.seq}:${v.head.mac ?? '(unkeyed)'}`);
  return v.ok ? 0 : 2;
}

/**
 * A keyed log opened without the key (an auditor's copy): a login would have to write a keyed
 * entry, which this process cannot, so the structure is checked without a login (no entry is
 * added). Undefined when this process has the key or the log is not keyed (the normal, audited
 * path applies).
 */
function verifyKeyedCopyWithoutKey(args: string[], io: CliIo): number | undefined {
  const { values } = parseFlags(args, { values: [...CONTEXT_FLAGS, 'from', 'to', 'html', 'json', 'expect-head'] });
  const ctx = openCliContext(values);
  try {
    const audit = new AuditLog(ctx.db);
    if (auditKeyOf(ctx.db) || !audit.lastEntry()?.mac) return undefined;
    const expectHead = values['expect-head'] ? parseHead(values['expect-head']) : undefined;
    return printVerification(io, audit.verify({ expectHead, retentionDays: ctx.access.audit_retention_days }));
  } finally {
    ctx.db.close();
  }
}
