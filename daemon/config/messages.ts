/**
 * How config problems quote what they found. A problem line may end up in the journal or on a
 * technician's screen, and `check-config` may be pointed at any file (a credentials file, a
 * binary): keys and values are shown only in a short, escaped form, and secrets never.
 */

/** Longest key or value, in characters, a message quotes. */
export const SHOWN_CHARS = 60;

/**
 * What a config key looks like (lower snake case, short). A problem names an unknown key only if
 * it looks like one: a key such as `root:$6$...` is a line of some other file (a password hash),
 * and printing it would copy that file to the screen or the journal.
 */
const CONFIG_KEY = /^[a-z_][a-z0-9_]{0,39}$/;

export function looksLikeConfigKey(key: string): boolean {
  return CONFIG_KEY.test(key);
}

/** How a path shows a key that does not look like a config key. */
export const HIDDEN_KEY = '<key not shown>';

/** `s` escaped as a JSON string, cut to SHOWN_CHARS characters with its full length said. */
export function quote(s: string): string {
  if (s.length <= SHOWN_CHARS) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, SHOWN_CHARS))}… (${s.length.toLocaleString('en-US')} characters)`;
}

/** A value as a problem line shows it: scalars quoted (strings cut short), collections by size only. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return `a list of ${v.length} item(s)`;
  if (v && typeof v === 'object') return `a mapping of ${Object.keys(v).length} key(s)`;
  return typeof v;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to escape.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A message from a library, one line, escaped and cut short (it may quote the file). */
export function clip(message: string, max = 160): string {
  const line = (message.split('\n')[0] ?? '').replace(
    CONTROL,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return line.length <= max ? line : `${line.slice(0, max)}…`;
}

/** `cameras[0].url`; a key that does not look like a config key is not shown (see looksLikeConfigKey). */
export function fmtPath(path: (string | number)[]): string {
  return path
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      const k = looksLikeConfigKey(p) ? p : HIDDEN_KEY;
      return i === 0 ? k : `.${k}`;
    })
    .join('');
}

/** Hides the value of a key that names a secret, and a password written into a URL. */
export function redactIfSecret(path: (string | number)[], value: unknown): unknown {
  const last = String(path[path.length - 1] ?? '');
  if (/pass|secret|token|key/i.test(last)) return '***';
  if (typeof value === 'string') return value.replace(/(:\/\/[^/@\s:]+):[^/@\s]*@/, '$1:***@');
  return value;
}
