import type { CliIo } from './command.js';

export { iso } from '../shared/time-input.js';

/** Exit status for a refusal (EX_NOPERM), so scripts can tell "not allowed" from "failed". */
export const EXIT_DENIED = 77;

/** Text shared by every governance command's --help. */
export const COMMON_HELP = `common options:
  --user NAME        who you are (default: $ALPR_EDGE_USER or your login name); the password is asked for
  --socket PATH      the daemon's API socket (default: $ALPR_EDGE_SOCKET, else api.socket of the config,
                     else /run/alpr-edge/api.sock)
  --config FILE      the unit config to take api.socket from (default /etc/alpr-edge/config.yaml)
The daemon does the work and keeps the audit log; these commands are its client, run with your
own rights (no sudo). Files they write are new files, owned by you, mode 0600.
times: ISO 8601 (2026-11-28, 2026-11-28T14:30, 2026-11-28T14:30-07:00; UTC unless an offset is given),
       "now", or relative to the unit's clock (-30m, -6h, -7d). A date alone as --to means the end of that day.`;

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
