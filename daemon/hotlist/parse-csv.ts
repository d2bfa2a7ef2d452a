import { isCategory, type Category, type HotlistEntry, type ParsedList, type RowError } from './entry.js';
import { NCIC_CODES } from './parse-ncic.js';
import { normalizePlate, normalizeState, plateProblem } from './normalize.js';
import { ListFileError, parseListDate, splitLines } from './parse-text.js';

export const CSV_COLUMNS = ['plate', 'state', 'category', 'reason', 'source', 'nic', 'entered', 'expires', 'priority', 'notes'] as const;
type Column = (typeof CSV_COLUMNS)[number];

/**
 * CSV with a header row (`plate,state,category,reason,source,nic,entered,expires,priority,notes`;
 * columns in any order, only `plate` and `category` required, unknown columns ignored). Fields may
 * be double-quoted RFC 4180 style; a field cannot span lines. `#` lines are comments.
 */
export function parseCsvList(buf: Uint8Array, file: string, source: string): ParsedList {
  const errors: RowError[] = [];
  const lines = splitLines(buf, file, errors);
  const entries: HotlistEntry[] = [];
  let header: Partial<Record<Column, number>> | undefined;
  let rows = 0;
  let headerWidth = 0;
  for (const { line, text } of lines) {
    if (text.trim() === '' || text.startsWith('#')) continue;
    const fields = splitCsvLine(text);
    if (typeof fields === 'string') {
      if (header) rows++;
      errors.push({ file, line, reason: fields });
      continue;
    }
    if (!header) {
      header = readHeader(fields, file, line);
      headerWidth = fields.length;
      continue;
    }
    rows++;
    if (fields.length < headerWidth) {
      errors.push({ file, line, reason: `short line: ${fields.length} field(s), the header has ${headerWidth}` });
      continue;
    }
    const get = (c: Column): string => {
      const i = header![c];
      return i === undefined ? '' : (fields[i] ?? '').trim();
    };
    const r = toEntry(get, `${source}:${line}`, source);
    if (typeof r === 'string') errors.push({ file, line, reason: r });
    else entries.push(r);
  }
  if (!header) throw new ListFileError(`${file}: no header row (expected ${CSV_COLUMNS.join(',')})`);
  return { entries, errors, rows };
}

function readHeader(fields: string[], file: string, line: number): Partial<Record<Column, number>> {
  const header: Partial<Record<Column, number>> = {};
  fields.forEach((f, i) => {
    const name = f.trim().toLowerCase();
    if ((CSV_COLUMNS as readonly string[]).includes(name)) header[name as Column] = i;
  });
  for (const required of ['plate', 'category'] as const) {
    if (header[required] === undefined) {
      throw new ListFileError(`${file}:${line}: the header has no "${required}" column (expected ${CSV_COLUMNS.join(',')})`);
    }
  }
  return header;
}

function toEntry(get: (c: Column) => string, key: string, source: string): HotlistEntry | string {
  const plate = normalizePlate(get('plate'));
  const pp = plateProblem(plate);
  if (pp) return pp;
  const st = normalizeState(get('state'));
  if ('problem' in st) return st.problem;
  const category = csvCategory(get('category'));
  if (!category) return `unknown category "${get('category')}" (use one of the documented names or an NCIC list code)`;
  const entered = parseListDate(get('entered'));
  if (typeof entered === 'string') return `entered: ${entered}`;
  const expires = parseListDate(get('expires'), true);
  if (typeof expires === 'string') return `expires: ${expires}`;
  const p = get('priority');
  let priority: number | null = null;
  if (p !== '') {
    priority = Number(p);
    if (!Number.isInteger(priority) || priority < 0 || priority > 99) return `priority "${p}" must be a whole number 0-99`;
  }
  return {
    key,
    plate,
    state: st.state,
    category,
    reason: get('reason'),
    source: get('source') || source,
    nic: get('nic') || null,
    ori: null,
    caseNumber: null,
    entered,
    expires,
    priority,
    notes: get('notes'),
  };
}

function csvCategory(raw: string): Category | undefined {
  const s = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
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
