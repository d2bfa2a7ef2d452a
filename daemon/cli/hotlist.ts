import { iso, printTable } from '../access/cli-support.js';
import type { CliCommand, CliIo } from './command.js';
import { parseFlags } from './flags.js';
import { openHotlistContext } from './hotlist-context.js';
import { VersionStore } from '../hotlist/version-store.js';
import { hotlistEntryActions } from './hotlist-entries.js';

const HELP = `usage: alpr-edge hotlist sync [--pid PID] [--config FILE | --db FILE]
       alpr-edge hotlist status [--config FILE | --db FILE] [--json]
       alpr-edge hotlist add --plate PLATE [--state ST] --category CAT --reason TEXT (--expires DATE | --days N)
                             [--case N] [--notes TEXT] [--user NAME]
       alpr-edge hotlist list [--all] [--user NAME]
       alpr-edge hotlist remove ENTRY_ID [--user NAME]

sync     fetch every configured list now (like SIGHUP to the daemon), print what loaded and every
         rejected row as FILE:LINE: reason. A list that fails keeps its previous version. With --pid
         the running daemon is sent SIGHUP so it takes the new version at once; otherwise it does
         at its next round (systemctl reload alpr-edge does the same).
status   each list's version, row counts, age and staleness, and recent failed fetches; exits 2
         when a list is stale (for monitoring scripts).
add      a local entry (partial plates from a crime scene: AB?12*, a BOLO). Needs an authorised,
         trained user (policy 424.3(b),(e)); audited. Stored reads of the retro window are matched
         at once and raise retrospective hits. Local entries survive list refreshes.
list     the local entries (with --all also removed and expired ones). Audited.
remove   stamp a local entry removed (kept for the audit trail). Audited.

Run it as the daemon's user (sudo -u alpr-edge ...): the list cache and the database it writes
must stay readable by the daemon.

categories: stolen_vehicle stolen_plate wanted_person felony_vehicle missing_person amber_alert
            protection_order sex_offender gang_terrorist investigation bolo other`;

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

async function sync(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { values: ['config', 'db', 'pid', 'log-level'] });
  const ctx = await openHotlistContext(values);
  try {
    const versions = new VersionStore(ctx.db);
    const before = Date.now();
    await ctx.service.syncNow();
    const records = versions.recent(100).filter((v) => v.fetchedAt >= before);
    let failed = 0;
    for (const s of ctx.service.status().sources) {
      const rec = records.find((v) => v.sourceId === s.id);
      const what = rec ? rec.outcome : 'unchanged';
      if (rec && rec.outcome !== 'loaded') failed++;
      io.out(
        `${s.id}: ${what}${rec?.message ? ` (${rec.message})` : ''}; in use: ${s.version ?? 'none'}, ${s.entries} entries, age ${fmtAge(s.age_s)}${s.stale ? ' STALE' : ''}`,
      );
      for (const e of rec?.errors ?? []) io.out(`  ${e}`);
      if (rec && rec.rowsRejected > rec.errors.length)
        io.out(`  ... and ${rec.rowsRejected - rec.errors.length} more rejected rows`);
    }
    if (ctx.config.sources.length === 0) io.out('no hotlist sources configured (hotlists.sources)');
    if (values.pid) {
      process.kill(Number(values.pid), 'SIGHUP');
      io.out(`sent SIGHUP to ${values.pid}`);
    }
    return failed ? 1 : 0;
  } finally {
    ctx.close();
  }
}

async function status(args: string[], io: CliIo): Promise<number> {
  const { values, switches } = parseFlags(args, { values: ['config', 'db', 'log-level'], switches: ['json'] });
  const ctx = await openHotlistContext(values);
  try {
    const st = ctx.service.status();
    const failures = new VersionStore(ctx.db).recent(20).filter((v) => v.outcome !== 'loaded');
    if (switches.has('json')) {
      io.out(
        JSON.stringify(
          {
            ...st,
            recent_failures: failures.map((f) => ({
              source: f.sourceId,
              at: iso(f.fetchedAt),
              outcome: f.outcome,
              message: f.message,
            })),
          },
          null,
          2,
        ),
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
    for (const f of failures.slice(0, 5))
      io.out(`recent ${f.outcome} fetch of ${f.sourceId} at ${iso(f.fetchedAt)}: ${f.message}`);
    return st.stale ? 2 : 0;
  } finally {
    ctx.close();
  }
}

function fmtAge(s: number | null): string {
  if (s === null) return 'never loaded';
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}
