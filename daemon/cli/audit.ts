import type { z } from 'zod';
import type { auditVerificationSchema } from '../api/shapes.js';
import { topicsFor } from '../alerts/topics.js';
import { fetchPublishedHead } from '../audit/head-fetch.js';
import { parseHead, verifyCopyWithoutKey } from '../audit/keyless-verify.js';
import { loadConfigFile } from '../config/load.js';
import type { CliCommand, CliIo } from './command.js';
import { parseFlags } from './flags.js';
import { COMMON_HELP } from './format.js';
import { writeNewFile } from './output-file.js';
import { DEFAULT_CONFIG_FILE, SESSION_FLAGS, withSession } from './session.js';

const HELP = `usage: alpr-edge audit verify [--expect-head SEQ:MAC | --from-broker]
       alpr-edge audit verify-copy FILE [--expect-head SEQ:MAC | --from-broker]
       alpr-edge audit report --from TIME --to TIME [--html FILE] [--json FILE]

verify: the daemon walks the whole audit log from its anchor and reports the first entry that
was edited, inserted, deleted or renumbered, time stepping back more than 5 s, an anchor moved
without a keyed audit_purge entry, a rewritten head or a leftover purge permit. The daemon holds
the audit key, so each entry's MAC is checked, which nobody without the key can recompute.
--expect-head SEQ:MAC: the head published on <prefix>/<unit>/audit (or in the journal, "audit
head"): also proves that nothing up to it was cut off or rewritten, even by a key holder.
--from-broker: takes that head from the unit's broker (mqtt in --config).
Exit 0 when intact, 2 when not. (auditor, technician, administrator)

verify-copy: checks a copy of the database (a forensic copy) in this process, without the key
and without a login: the unkeyed structure and the MAC links only, and the output says so.
Nothing is added to the copy's audit log. With --expect-head or --from-broker it also proves the
copy was not cut short. (whoever can read FILE)

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
    if (action === 'verify' || action === 'verify-copy') {
      const copy = action === 'verify-copy';
      const known = { values: ['expect-head'], switches: ['from-broker'] };
      const flags = parseFlags(rest, {
        values: [...(copy ? ['config'] : SESSION_FLAGS), ...known.values],
        switches: known.switches,
      });
      // The published head first: what the unit said before anyone touched the log.
      const expectHead = await publishedHead(flags.values, flags.switches, io);
      if (copy) {
        const [file, ...extra] = flags.positional;
        if (!file || extra.length) throw new Error('give the copy: alpr-edge audit verify-copy FILE');
        return printVerification(io, verifyCopyWithoutKey(file, { expectHead }));
      }
      return withSession(rest, io, known, async ({ api }) =>
        printVerification(io, await api.call('auditVerify', expectHead ? { expectHead } : {})),
      );
    }
    return withSession(rest, io, { values: ['from', 'to', 'html', 'json'] }, async ({ api, values }) => {
      if (action === 'report') {
        if (values.from === undefined) throw new Error('give --from TIME');
        if (values.to === undefined) throw new Error('give --to TIME');
        const { report: r, html } = await api.call('auditReport', { from: values.from, to: values.to });
        if (values.json) writeNewFile(values.json, `${JSON.stringify(r, null, 2)}\n`);
        if (values.html) writeNewFile(values.html, html);
        io.out(`audit report ${r.from} .. ${r.to} (unit ${r.unit_id})`);
        io.out(`  unit key (signs evidence packages): SHA-256 ${r.unit_key_sha256 ?? 'not loaded'}`);
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
        const unwritten = r.exports.filter((e) => e.written !== null && e.written !== 'confirmed').length;
        if (unwritten > 0)
          io.out(
            `  exports whose package is not confirmed written to the drive: ${unwritten} (see the report's exports)`,
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

/** Prints a verification; the exit status is 0 when intact, 2 when not. */
function printVerification(io: CliIo, v: z.infer<typeof auditVerificationSchema>): number {
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

/** `--expect-head SEQ:MAC`, or with `--from-broker` the head retained on the unit's broker. */
async function publishedHead(
  values: Record<string, string>,
  switches: Set<string>,
  io: CliIo,
): Promise<{ seq: number; mac: string } | undefined> {
  if (!switches.has('from-broker')) return values['expect-head'] ? parseHead(values['expect-head']) : undefined;
  if (values['expect-head']) throw new Error('give --expect-head or --from-broker, not both');
  const config = loadConfigFile(values.config ?? DEFAULT_CONFIG_FILE);
  const topic = topicsFor(config.mqtt.topic_prefix, config.unit.id).audit;
  const head = await fetchPublishedHead(config.mqtt, topic);
  io.out(`published head on ${topic} (${head.time}): ${head.seq}:${head.mac}`);
  return { seq: head.seq, mac: head.mac };
}
