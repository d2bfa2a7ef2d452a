/**
 * Times as people type them (CLI flags, API bodies): ISO 8601 (2026-11-28, 2026-11-28T14:30,
 * 2026-11-28T14:30-07:00; UTC unless an offset is given), "now", or relative to now (-30m, -6h,
 * -7d). A date alone with `endOfDay` means the end of that day. The daemon parses them with its
 * own clock, so "-7d" means seven days before the daemon's now, whatever the client's clock says.
 */
export function parseTime(
  s: string | number | undefined,
  flag: string,
  opts: { endOfDay?: boolean; now?: number } = {},
): number {
  if (s === undefined) throw new Error(`give ${flag} TIME`);
  if (typeof s === 'number') {
    if (Number.isFinite(s)) return s;
    throw new Error(`${flag} is not a time`);
  }
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

/** An epoch-ms time as ISO 8601 without zero milliseconds; '' for none. */
export function iso(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : new Date(ms).toISOString().replace('.000Z', 'Z');
}
