/** Minimal `--flag value` / `--switch` parser shared by the subcommands. */
export function parseFlags(
  args: string[],
  known: { values?: string[]; switches?: string[] },
): {
  values: Record<string, string>;
  switches: Set<string>;
  positional: string[];
} {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [flag, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (known.switches?.includes(flag)) switches.add(flag);
    else if (known.values?.includes(flag)) {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`--${flag} needs a value`);
      values[flag] = v;
    } else throw new Error(`unknown option --${flag}`);
  }
  return { values, switches, positional };
}
