import type { RowError } from './entry.js';

/** A file that cannot be parsed at all (not a single row could be trusted). */
export class ListFileError extends Error {
  override name = 'ListFileError';
}

export interface TextLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a list file into lines. The whole-buffer decode is the fast path (a 1,000,000-row list);
 * only when it fails do we decode line by line, so one Latin-1 row becomes one reported error
 * rather than a rejected list.
 */
export function splitLines(buf: Uint8Array, file: string, errors: RowError[]): TextLine[] {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new ListFileError(`${file}: the file is UTF-16; save it as UTF-8 or ASCII`);
  }
  let start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const out: TextLine[] = [];
  try {
    const text = fatalUtf8.decode(start ? buf.subarray(start) : buf);
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i]!;
      out.push({ line: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t });
    }
    if (out.length && out[out.length - 1]!.text === '') out.pop();
  } catch {
    let line = 0;
    while (start < buf.length) {
      let end = buf.indexOf(0x0a, start);
      if (end < 0) end = buf.length;
      line++;
      const bytes = buf.subarray(start, end > start && buf[end - 1] === 0x0d ? end - 1 : end);
      try {
        out.push({ line, text: fatalUtf8.decode(bytes) });
      } catch {
        const bad = firstBadByte(bytes);
        errors.push({ file, line, reason: `not valid UTF-8 text (byte 0x${bad.byte.toString(16).toUpperCase()} at column ${bad.column + 1}); is the file Latin-1?` });
      }
      start = end + 1;
    }
  }
  for (const l of out) {
    if (l.text.includes('\u0000')) throw new ListFileError(`${file}:${l.line}: NUL byte in the text; the file is binary or UTF-16 without a BOM`);
  }
  return out;
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
 * Parses a list date: `YYYY-MM-DD`, `YYYYMMDD`, `MM/DD/YYYY` or a full ISO 8601 time. Date-only
 * values are UTC days; with `endOfDay` an expiry date keeps the entry valid through that whole day.
 * Returns null for blank, a string problem for nonsense (e.g. 2025-02-30).
 */
export function parseListDate(raw: string, endOfDay = false): number | null | string {
  const s = raw.trim();
  if (s === '') return null;
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s))) {
    [m, d, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
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
