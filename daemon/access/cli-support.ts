import { systemClock } from '../shared/clock.js';
import type { CliIo } from '../cli/command.js';
import { parseFlags } from '../cli/flags.js';
import { AuditedAccess } from './audited-access.js';
import type { AuthenticatedUser } from './authorize.js';
import { authenticateCliUser, CONTEXT_FLAGS, openCliContext, type CliContext } from './cli-auth.js';
import { parsePurpose, type Purpose } from './purpose.js';

/** Exit status for a refusal (EX_NOPERM), so scripts can tell "not allowed" from "failed". */
export { EXIT_DENIED } from '../cli/format.js';

/** Text shared by every governance command's --help. */
export const COMMON_HELP = `common options:
  --user NAME        who you are (default: $ALPR_EDGE_USER or your login name); the password is asked for
  --config FILE      unit config (default /etc/alpr-edge/config.yaml); the database is in its storage.path
  --db FILE          open this database file instead (tests, forensic copies)
times: ISO 8601 (2026-11-28, 2026-11-28T14:30, 2026-11-28T14:30-07:00; UTC unless an offset is given),
       "now", or relative to now (-30m, -6h, -7d). A date alone as --to means the end of that day.`;

export interface GovernedRun {
  ctx: CliContext;
  user: AuthenticatedUser;
  access: AuditedAccess;
  values: Record<string, string>;
  switches: Set<string>;
  positional: string[];
}

/**
 * Parses flags, opens the database, asks for the password, runs `body`, and closes the database.
 * A refusal prints its reason and exits 77.
 */
export async function governed(
  args: string[],
  io: CliIo,
  known: { values?: string[]; switches?: string[] },
  body: (run: GovernedRun) => Promise<number> | number,
): Promise<number> {
  const { values, switches, positional } = parseFlags(args, {
    values: [...CONTEXT_FLAGS, ...(known.values ?? [])],
    switches: known.switches ?? [],
  });
  const ctx = openCliContext(values);
  try {
    const user = await authenticateCliUser(io, ctx.db, { user: values.user, access: ctx.access });
    return await body({ ctx, user, access: new AuditedAccess(ctx.db, systemClock), values, switches, positional });
  } finally {
    ctx.db.close();
  }
}

/** The purpose from --purpose and --case (424.5(c)); undefined when neither is given, so the refusal is audited. */
export function purposeFrom(values: Record<string, string>, defaultCategory?: string): Purpose | undefined {
  const category = values.purpose ?? (values.case ? defaultCategory : undefined);
  if (!category && !values.case) return undefined;
  return parsePurpose(category, values.case);
}

/** Parses a CLI time (see COMMON_HELP). */
export function parseTime(
  s: string | undefined,
  flag: string,
  opts: { endOfDay?: boolean; now?: number } = {},
): number {
  if (s === undefined) throw new Error(`give ${flag} TIME`);
  const now = opts.now ?? Date.now();
  if (s === 'now') return now;
  const rel = /^-(\d+(?:\.\d+)?)([mhd])$/.exec(s);
  if (rel) return now - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd'];
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const t = Date.parse(`${s}T00:00:00Z`);
    if (!Number.isNaN(t)) return opts.endOfDay ? t + 86_400_000 - 1 : t;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(s)) {
    const t = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(s) ? s : `${s}Z`);
    if (!Number.isNaN(t)) return t;
  }
  throw new Error(`${flag} "${s}" is not a time (e.g. 2026-11-28T14:30, now, -6h, -7d)`);
}

export function iso(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Prints rows as aligned columns. */
export function printTable(io: CliIo, headers: string[], rows: unknown[][]): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells)
    io.out(
      r
        .map((c, i) => (c ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

/** Asks twice for a new password and insists they match. */
export async function promptNewPassword(io: CliIo, whose: string): Promise<string> {
  const a = await io.promptSecret(`New password for ${whose}: `);
  const b = await io.promptSecret(`Repeat the new password for ${whose}: `);
  if (a !== b) throw new Error('the two passwords differ; nothing was changed');
  return a;
}
