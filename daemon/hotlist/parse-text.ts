import { isAscii, isUtf8 } from 'node:buffer';
import type { RowError } from './entry.js';
import { nextTurn } from '../shared/turns.js';
import { firstInvalidUtf8, lineAndColumn } from '../shared/utf8.js';

/** Lines parsed between turns of the event loop (~10 ms of parsing; see nextTurn). */
export const LINES_PER_TURN = 5_000;

/** Bytes of list text parsed between turns, however long the lines (128 KB: ~4 ms of parsing). */
export const BYTES_PER_TURN = 128 * 1024;

/**
 * Longest list line read, in bytes (CR/LF excluded). A row of any format is under 200; a longer
 * line is rejected, with its line number, before it is decoded or split.
 */
export const MAX_LINE_BYTES = 4096;

/** A file that cannot be parsed at all (not a single row could be trusted). */
export class ListFileError extends Error {
  override name = 'ListFileError';
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Calls `each` for every line of a list file (1-based line numbers, CR/LF stripped) and returns
 * how many lines it rejected itself (pushed to `errors`): lines over MAX_LINE_BYTES, and lines
 * that are not UTF-8, so one Latin-1 row becomes one reported error rather than a rejected list.
 * Works through the file in batches of at most LINES_PER_TURN lines and BYTES_PER_TURN bytes,
 * giving the event loop a turn after each: a batch of valid short lines is decoded at once (no
 * per-line objects for a 1,000,000-row list), any other batch line by line. Every check is one
 * pass over the bytes, so the time is linear in the size of the file whatever it holds.
 */
export async function forEachLine(
  buf: Uint8Array,
  file: string,
  errors: RowError[],
  each: (line: number, text: string) => void,
): Promise<number> {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new ListFileError(`${file}:1: the file is UTF-16; save it as UTF-8 or ASCII`);
  }
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const nul = buf.indexOf(0, start);
  if (nul >= 0)
    throw new ListFileError(
      `${file}:${lineAndColumn(buf, nul).line}: NUL byte in the text; the file is binary or UTF-16 without a BOM`,
    );
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let rejected = 0;
  let line = 0;
  let pos = start;
  while (pos < buf.length) {
    // One batch: whole lines up to the limits; note whether one of them is too long to decode.
    const batchStart = pos;
    const firstLine = line + 1;
    let hasLong = false;
    let n = 0;
    while (pos < buf.length && n < LINES_PER_TURN && pos - batchStart < BYTES_PER_TURN) {
      let end = buf.indexOf(0x0a, pos);
      if (end < 0) end = buf.length;
      if (end - pos > MAX_LINE_BYTES) hasLong = true;
      n++;
      pos = end + 1;
    }
    const batchEnd = Math.min(pos, buf.length);
    line += n;
    const batch = bytes.subarray(batchStart, batchEnd);
    if (!hasLong && isAscii(batch)) {
      // The usual list: ASCII, where Latin-1 decoding is a plain copy (a third of UTF-8 decoding's time).
      eachLineOf(bytes.toString('latin1', batchStart, batchEnd), firstLine, each);
    } else if (!hasLong && isUtf8(batch)) {
      eachLineOf(bytes.toString('utf8', batchStart, batchEnd), firstLine, each);
    } else {
      rejected += eachLineSlowly(buf, batchStart, batchEnd, firstLine, file, errors, each);
    }
    if (pos < buf.length) await nextTurn();
  }
  return rejected;
}

/** The lines of decoded text, numbered from `firstLine`. */
function eachLineOf(text: string, firstLine: number, each: (line: number, text: string) => void): void {
  let line = firstLine;
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    each(line++, text.charCodeAt(end - 1) === 13 ? text.slice(at, end - 1) : text.slice(at, end));
    at = end + 1;
  }
}

/** Line by line: a line over MAX_LINE_BYTES or not UTF-8 is a row error; returns how many there were. */
function eachLineSlowly(
  buf: Uint8Array,
  from: number,
  to: number,
  firstLine: number,
  file: string,
  errors: RowError[],
  each: (line: number, text: string) => void,
): number {
  let rejected = 0;
  let line = firstLine;
  let pos = from;
  while (pos < to) {
    let end = buf.indexOf(0x0a, pos);
    if (end < 0 || end > to) end = to;
    const stop = end > pos && buf[end - 1] === 0x0d ? end - 1 : end;
    if (stop - pos > MAX_LINE_BYTES) {
      rejected++;
      errors.push({
        file,
        line,
        reason: `line too long: ${(stop - pos).toLocaleString('en-US')} bytes, the limit is ${MAX_LINE_BYTES} (not read)`,
      });
    } else {
      const bad = firstInvalidUtf8(buf, pos, stop);
      if (bad < 0) each(line, fatalUtf8.decode(buf.subarray(pos, stop)));
      else {
        rejected++;
        errors.push({
          file,
          line,
          reason: `not valid UTF-8 text (byte 0x${buf[bad]!.toString(16).toUpperCase().padStart(2, '0')} at column ${bad - pos + 1}); is the file Latin-1?`,
        });
      }
    }
    line++;
    pos = end + 1;
  }
  return rejected;
}

/**
 * `s` as a string of its own, for free text kept in a list entry (reason, notes). V8 cuts a
 * substring of 13 or more characters as a view into its parent, so each kept field would keep
 * its whole batch of decoded text alive: about 90 MB for a 1,000,000-row list, beside the
 * version in use while a new one is built. Slicing a concatenation makes V8 copy the text into
 * a new string first (about 0.15 µs a field; a JSON round trip saves a little more at 4 times the cost).
 */
export function ownText(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/**
 * One instance of each short, often repeated value (a row's issuing agency): a million rows
 * then hold a few strings, not a million copies. Stops adding after `limit` distinct values.
 */
export class Interner {
  private readonly seen = new Map<string, string>();
  constructor(private readonly limit = 1_000) {}
  get(s: string): string {
    const v = this.seen.get(s);
    if (v !== undefined) return v;
    if (this.seen.size < this.limit) this.seen.set(s, s);
    return s;
  }
}

/** True for lines the parsers skip: blank, or a `#` comment. */
export function isSkippable(text: string): boolean {
  return text.length === 0 || text.charCodeAt(0) === 35 || text.trim() === '';
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
