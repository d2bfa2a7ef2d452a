import { isCategory, type Category, type HotlistEntry, type ParsedList, type RowError } from './entry.js';
import { NCIC_CODES } from './parse-ncic.js';
import { normalizePlate, normalizeState, plateProblem } from './normalize.js';
import { DateCache, forEachLine, Interner, isSkippable, ListFileError, ownText } from './parse-text.js';

export const CSV_COLUMNS = [
  'plate',
  'state',
  'category',
  'reason',
  'source',
  'nic',
  'entered',
  'expires',
  'priority',
  'notes',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

/**
 * CSV with a header row (`plate,state,category,reason,source,nic,entered,expires,priority,notes`;
 * columns in any order, only `plate` and `category` required, unknown columns ignored). Fields may
 * be double-quoted RFC 4180 style; a field cannot span lines. `#` lines are comments.
 */
export async function parseCsvList(buf: Uint8Array, file: string, source: string): Promise<ParsedList> {
  const errors: RowError[] = [];
  const entries: HotlistEntry[] = [];
  const ctx: RowContext = { dates: new DateCache(), categories: new Map(), sources: new Interner(), source };
  let header: Partial<Record<Column, number>> | undefined;
  let headerWidth = 0;
  let rows = 0;
  const unread = await forEachLine(buf, file, errors, (line, text) => {
    if (isSkippable(text)) return;
    const fields = splitCsvLine(text);
    if (typeof fields === 'string') {
      if (header) rows++;
      errors.push({ file, line, reason: fields });
      return;
    }
    if (!header) {
      header = readHeader(fields, file, line);
      headerWidth = fields.length;
      return;
    }
    rows++;
    if (fields.length < headerWidth) {
      errors.push({ file, line, reason: `short line: ${fields.length} field(s), the header has ${headerWidth}` });
      return;
    }
    const r = toEntry(fields, header, `${source}:${line}`, ctx);
    if (typeof r === 'string') errors.push({ file, line, reason: r });
    else entries.push(r);
  });
  // Lines rejected before parsing (too long, not UTF-8) are data rows too, for the rejected-rows limit.
  rows += unread;
  if (!header) throw new ListFileError(`${file}:1: no header row (expected ${CSV_COLUMNS.join(',')})`);
  return { entries, errors, rows };
}

/** Per-file memos: a big list repeats a handful of categories and dates a million times. */
interface RowContext {
  dates: DateCache;
  categories: Map<string, Category | undefined>;
  sources: Interner;
  source: string;
}

function readHeader(fields: string[], file: string, line: number): Partial<Record<Column, number>> {
  const header: Partial<Record<Column, number>> = {};
  fields.forEach((f, i) => {
    const name = f.trim().toLowerCase();
    if ((CSV_COLUMNS as readonly string[]).includes(name)) header[name as Column] = i;
  });
  for (const required of ['plate', 'category'] as const) {
    if (header[required] === undefined) {
      throw new ListFileError(
        `${file}:${line}: the header has no "${required}" column (expected ${CSV_COLUMNS.join(',')})`,
      );
    }
  }
  return header;
}

// No per-row closure: at a million rows every allocation shows up as garbage-collection time.
function field(fields: string[], header: Partial<Record<Column, number>>, c: Column): string {
  const i = header[c];
  if (i === undefined) return '';
  const v = fields[i] ?? '';
  return v.length > 0 && (v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32 || v.includes('\t'))
    ? v.trim()
    : v;
}

function toEntry(
  fields: string[],
  header: Partial<Record<Column, number>>,
  key: string,
  ctx: RowContext,
): HotlistEntry | string {
  const plate = normalizePlate(field(fields, header, 'plate'));
  const pp = plateProblem(plate);
  if (pp) return pp;
  const st = normalizeState(field(fields, header, 'state'));
  if ('problem' in st) return st.problem;
  const rawCategory = field(fields, header, 'category');
  let category = ctx.categories.get(rawCategory);
  if (category === undefined && !ctx.categories.has(rawCategory)) {
    category = csvCategory(rawCategory);
    ctx.categories.set(rawCategory, category);
  }
  if (!category)
    return `unknown category "${field(fields, header, 'category')}" (use one of the documented names or an NCIC list code)`;
  const entered = ctx.dates.parse(field(fields, header, 'entered'));
  if (typeof entered === 'string') return `entered: ${entered}`;
  const expires = ctx.dates.parse(field(fields, header, 'expires'), true);
  if (typeof expires === 'string') return `expires: ${expires}`;
  const p = field(fields, header, 'priority');
  let priority: number | null = null;
  if (p !== '') {
    priority = Number(p);
    if (!Number.isInteger(priority) || priority < 0 || priority > 99)
      return `priority "${p}" must be a whole number 0-99`;
  }
  return {
    key,
    plate,
    state: st.state,
    category,
    reason: ownText(field(fields, header, 'reason')),
    source: ctx.sources.get(field(fields, header, 'source')) || ctx.source,
    nic: field(fields, header, 'nic') || null,
    ori: null,
    caseNumber: null,
    entered,
    expires,
    priority,
    notes: ownText(field(fields, header, 'notes')),
  };
}

function csvCategory(raw: string): Category | undefined {
  const s = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (isCategory(s)) return s;
  if (s.length === 1) return NCIC_CODES[s.toUpperCase()];
  return undefined;
}

/** Splits one CSV line; returns an error message for an unterminated quote. */
export function splitCsvLine(line: string): string[] | string {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= line.length) return 'unterminated quoted field (a field cannot span lines)';
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i++];
      }
      if (i < line.length && line[i] !== ',') return `unexpected text after a closing quote at column ${i + 1}`;
      out.push(v);
      i++;
    } else {
      let end = line.indexOf(',', i);
      if (end < 0) end = line.length;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
