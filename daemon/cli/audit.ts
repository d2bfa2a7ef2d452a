import type { CliCommand } from './command.js';
import { COMMON_HELP } from './format.js';
import { writeNewFile } from './output-file.js';
import { withSession } from './session.js';

const HELP = `usage: alpr-edge audit verify
       alpr-edge audit report --from TIME --to TIME [--html FILE] [--json FILE]

verify: walks the whole audit log's hash chain (each entry's hash covers the previous entry's
hash and its own content) and reports the first entry that was edited, inserted or deleted.
Exit 0 when intact, 2 when not. (auditor, technician, administrator)

report: the regular audit of policy 424.5(e) for a period: searches by user and purpose
(with refusals), hits and their verification outcomes, evidence holds, purges, exports,
releases, records requests, logins and lockouts, and users whose training lapsed. Prints a
summary; --html writes a page a person can read or print, --json the same data for tools (new
files only: an existing file or a symbolic link is refused).
(auditor, administrator; needs current training since the report shows queried plates)

${COMMON_HELP}`;

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'verify the tamper-evident audit log; write the audit report (HTML/JSON)',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    return withSession(rest, io, { values: ['from', 'to', 'html', 'json'] }, async ({ api, values }) => {
      if (action === 'verify') {
        const v = await api.call('auditVerify', {});
        if (v.ok) {
          io.out(
            `audit log intact: ${v.entries} entries${v.entries ? ` (${v.firstSeq}..${v.lastSeq})` : ''}, hash chain verified`,
          );
          return 0;
        }
        io.err(`AUDIT LOG TAMPERED: ${v.message}`);
        return 2;
      }
      if (action === 'report') {
        if (values.from === undefined) throw new Error('give --from TIME');
        if (values.to === undefined) throw new Error('give --to TIME');
        const { report: r, html } = await api.call('auditReport', { from: values.from, to: values.to });
        if (values.json) writeNewFile(values.json, `${JSON.stringify(r, null, 2)}\n`);
        if (values.html) writeNewFile(values.html, html);
        io.out(`audit report ${r.from} .. ${r.to} (unit ${r.unit_id})`);
        io.out(`  audit log: ${r.chain.ok ? `intact (${r.chain.entries} entries)` : `TAMPERED: ${r.chain.message}`}`);
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
        const hc = r.hold_concerns;
        io.out(
          `  holds to review: ${hc.broad.length} broad, ${hc.long.length} open over a year, ${hc.overdue.length} past review (lapsed)`,
        );
        io.out(
          `  accounts not naming one person: ${r.identity_incomplete.map((u) => `${u.username} (${u.problem})`).join(', ') || 'none'}`,
        );
        if (values.html) io.out(`  HTML: ${values.html}`);
        if (values.json) io.out(`  JSON: ${values.json}`);
        return r.chain.ok ? 0 : 2;
      }
      throw new Error(`unknown action "${action ?? ''}" (see alpr-edge audit --help)`);
    });
  },
};
