import type { RowError } from './entry.js';
import { nextTurn } from '../shared/turns.js';

/** Lines parsed between turns of the event loop (~10 ms of parsing; see nextTurn). */
export const LINES_PER_TURN = 5_000;

/** A file that cannot be parsed at all (not a single row could be trusted). */
export class ListFileError extends Error {
  override name = 'ListFileError';
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Calls `each` for every line of a list file (1-based line numbers, CR/LF stripped). The
 * whole-buffer decode is the fast path (a 1,000,000-row list, no per-line objects); only when it
 * fails do we decode line by line, so one Latin-1 row becomes one reported error rather than a
 * rejected list. Every LINES_PER_TURN lines it gives the event loop a turn (a 1,000,000-row
 * list takes about 2 s to parse).
 */
export async function forEachLine(
  buf: Uint8Array,
  file: string,
  errors: RowError[],
  each: (line: number, text: string) => void,
): Promise<void> {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new ListFileError(`${file}: the file is UTF-16; save it as UTF-8 or ASCII`);
  }
  let start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let text: string | undefined;
  try {
    text = fatalUtf8.decode(start ? buf.subarray(start) : buf);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    if (text.includes('\u0000'))
      throw new ListFileError(`${file}: NUL bytes in the text; the file is binary or UTF-16 without a BOM`);
    let line = 0;
    let at = 0;
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      line++;
      each(line, text.charCodeAt(end - 1) === 13 ? text.slice(at, end - 1) : text.slice(at, end));
      at = end + 1;
      if (line % LINES_PER_TURN === 0) await nextTurn();
    }
    return;
  }
  let line = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    line++;
    const bytes = buf.subarray(start, end > start && buf[end - 1] === 0x0d ? end - 1 : end);
    let decoded: string | undefined;
    try {
      decoded = fatalUtf8.decode(bytes);
    } catch {
      const bad = firstBadByte(bytes);
      errors.push({
        file,
        line,
        reason: `not valid UTF-8 text (byte 0x${bad.byte.toString(16).toUpperCase()} at column ${bad.column + 1}); is the file Latin-1?`,
      });
    }
    if (decoded !== undefined) {
      if (decoded.includes('\u0000'))
        throw new ListFileError(`${file}:${line}: NUL byte in the text; the file is binary or UTF-16 without a BOM`);
      each(line, decoded);
    }
    start = end + 1;
    if (line % LINES_PER_TURN === 0) await nextTurn();
  }
}

/** True for lines the parsers skip: blank, or a `#` comment. */
export function isSkippable(text: string): boolean {
  return text.length === 0 || text.charCodeAt(0) === 35 || text.trim() === '';
}

function firstBadByte(bytes: Uint8Array): { byte: number; column: number } {
  for (let i = 0; i < bytes.length; i++) {
    try {
      fatalUtf8.decode(bytes.subarray(0, i + 1));
    } catch {
      // A multi-byte sequence may just be incomplete at i; check whether it completes.
      let ok = false;
      for (let j = i + 1; j <= Math.min(bytes.length, i + 4); j++) {
        try {
          fatalUtf8.decode(bytes.subarray(0, j));
          ok = true;
          break;
        } catch {
          /* keep looking */
        }
      }
      if (!ok) return { byte: bytes[i]!, column: i };
    }
  }
  return { byte: bytes[bytes.length - 1] ?? 0, column: Math.max(0, bytes.length - 1) };
}

const DAY_MS = 86_400_000;

/**
 * A per-file memo for parseListDate: a large extract repeats a few thousand distinct dates over a
 * million rows, and the parse (regex, calendar check) was a third of the load time.
 */
export class DateCache {
  private readonly start = new Map<string, number | null | string>();
  private readonly end = new Map<string, number | null | string>();
  parse(raw: string, endOfDay = false): number | null | string {
    const m = endOfDay ? this.end : this.start;
    let v = m.get(raw);
    if (v === undefined) {
      v = parseListDate(raw, endOfDay);
      if (m.size < 100_000) m.set(raw, v);
    }
    return v;
  }
}

/**
 * Parses a list date: `YYYY-MM-DD`, `YYYYMMDD`, `MM/DD/YYYY` or a full ISO 8601 time. Date-only
 * values are UTC days; with `endOfDay` an expiry date keeps the entry valid through that whole day.
 * Returns null for blank, a string problem for nonsense (e.g. 2025-02-30).
 */
export function parseListDate(raw: string, endOfDay = false): number | null | string {
  const s = raw.trim();
  if (s === '') return null;
  let y: number, m: number, d: number;
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  const mdy = ymd ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (ymd) {
    [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  } else if (mdy) {
    [m, d, y] = [Number(mdy[1]), Number(mdy[2]), Number(mdy[3])];
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? `bad date "${s}"` : t;
  } else {
    return `bad date "${s}" (use YYYY-MM-DD)`;
  }
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (m < 1 || m > 12 || back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    return `bad date "${s}" (no such day)`;
  }
  return endOfDay ? t + DAY_MS : t;
}
