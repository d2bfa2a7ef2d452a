import type { CliCommand, CliIo } from './command.js';
import { COMMON_HELP, iso, printTable } from './format.js';
import { hotlistEntryActions } from './hotlist-entries.js';
import { withSession } from './session.js';

const HELP = `usage: alpr-edge hotlist sync
       alpr-edge hotlist status [--json]
       alpr-edge hotlist add --plate PLATE [--state ST] --category CAT --reason TEXT (--expires DATE | --days N)
                             --purpose CAT --case N [--notes TEXT]
       alpr-edge hotlist list [--all] [--json]
       alpr-edge hotlist remove ENTRY_ID

sync     the daemon fetches every configured list now (like systemctl reload alpr-edge) and
         says what loaded and every rejected row as FILE:LINE: reason. A list that fails keeps
         its previous version. (technician, administrator)
status   each list's version, row counts, age and staleness, and recent failed fetches; exits 2
         when a list is stale (for monitoring scripts). (technician, administrator)
add      a local entry (partial plates from a crime scene: AB?12*, a BOLO). Stored reads of the
         retro window are matched at once and raise retrospective hits, so it is governed like a
         search: an authorised, trained user (policy 424.3(b),(e)) and a purpose and case
         (424.5(c)); audited, refusals too. Local entries survive list refreshes.
list     the local entries (with --all also removed and expired ones). Audited.
remove   stamp a local entry removed (kept for the audit trail). Audited.

categories: stolen_vehicle stolen_plate wanted_person felony_vehicle missing_person amber_alert
            protection_order sex_offender gang_terrorist investigation bolo other

${COMMON_HELP}`;

export const hotlistCommand: CliCommand = {
  name: 'hotlist',
  summary: 'sync hotlists now, show their versions and age, manage local entries',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action === 'sync') return sync(rest, io);
    if (action === 'status') return status(rest, io);
    const entryAction = hotlistEntryActions[action ?? ''];
    if (entryAction) return entryAction(rest, io);
    throw new Error(`unknown action "${action ?? ''}" (see alpr-edge hotlist --help)`);
  },
};

function sync(args: string[], io: CliIo): Promise<number> {
  return withSession(args, io, {}, async ({ api }) => {
    const r = await api.call('syncHotlists', {});
    let failed = 0;
    for (const s of r.sources) {
      if (s.outcome !== 'loaded' && s.outcome !== 'unchanged') failed++;
      io.out(
        `${s.id}: ${s.outcome}${s.message ? ` (${s.message})` : ''}; in use: ${s.version ?? 'none'}, ${s.entries} entries, age ${fmtAge(s.age_s)}${s.stale ? ' STALE' : ''}`,
      );
      for (const e of s.errors) io.out(`  ${e}`);
      if (s.rows_rejected_total > s.errors.length)
        io.out(`  ... and ${s.rows_rejected_total - s.errors.length} more rejected rows`);
    }
    if (r.configured === 0) io.out('no hotlist sources configured (hotlists.sources)');
    return failed ? 1 : 0;
  });
}

function status(args: string[], io: CliIo): Promise<number> {
  return withSession(args, io, { switches: ['json'] }, async ({ api, switches }) => {
    const st = await api.call('hotlistStatus', {});
    if (switches.has('json')) {
      io.out(
        JSON.stringify({ ...st, recent_failures: st.recent_failures.map((f) => ({ ...f, at: iso(f.at) })) }, null, 2),
      );
      return 0;
    }
    printTable(
      io,
      ['SOURCE', 'FORMAT', 'VERSION', 'ENTRIES', 'REJECTED', 'AS OF', 'AGE', 'STALE'],
      st.sources.map((s) => [
        s.id,
        s.format,
        s.version ?? '-',
        s.entries,
        s.rows_rejected,
        s.as_of ?? '-',
        fmtAge(s.age_s),
        s.stale ? 'STALE' : 'ok',
      ]),
    );
    io.out(`local entries in force: ${st.local_entries}`);
    for (const f of st.recent_failures.slice(0, 5))
      io.out(`recent ${f.outcome} fetch of ${f.source} at ${iso(f.at)}: ${f.message}`);
    return st.stale ? 2 : 0;
  });
}

function fmtAge(s: number | null): string {
  if (s === null) return 'never loaded';
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}
