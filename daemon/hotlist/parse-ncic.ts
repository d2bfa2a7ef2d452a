import type { Category, HotlistEntry, ParsedList, RowError } from './entry.js';
import { normalizePlate, normalizeState, plateProblem } from './normalize.js';
import { DateCache, forEachLine, isSkippable, ownText } from './parse-text.js';

/** NCIC-style list codes (first character of a fixed-width row) and what they mean here. */
export const NCIC_CODES: Record<string, Category> = {
  V: 'stolen_vehicle',
  P: 'stolen_plate',
  W: 'wanted_person',
  F: 'felony_vehicle',
  M: 'missing_person',
  A: 'amber_alert',
  H: 'protection_order',
  X: 'sex_offender',
  T: 'gang_terrorist',
  B: 'bolo',
  I: 'investigation',
};

/**
 * Column layout of the NCIC-style fixed-width extract (0-based, end exclusive). Documented in
 * docs/mqtt-and-hotlists.md; the sample is test-fixtures/hotlists/sample-ncic.txt.
 */
export const NCIC_LAYOUT = {
  code: [0, 1],
  plate: [1, 11],
  state: [11, 13],
  nic: [13, 23],
  ori: [23, 32],
  entered: [32, 40],
  expires: [40, 48],
  reason: [48, Infinity],
} as const;
/** A row must reach the end of the entered date; expiry and reason may be cut off. */
export const NCIC_MIN_LENGTH = 40;

export async function parseNcicList(buf: Uint8Array, file: string, source: string): Promise<ParsedList> {
  const errors: RowError[] = [];
  const entries: HotlistEntry[] = [];
  let rows = 0;
  const dates = new DateCache();
  const unread = await forEachLine(buf, file, errors, (line, text) => {
    if (isSkippable(text)) return;
    rows++;
    const r = ncicRow(text, `${source}:${line}`, source, dates);
    if (typeof r === 'string') errors.push({ file, line, reason: r });
    else entries.push(r);
  });
  // Lines rejected before parsing (too long, not UTF-8) are data rows too, for the rejected-rows limit.
  rows += unread;
  return { entries, errors, rows };
}

function ncicRow(text: string, key: string, source: string, dates: DateCache): HotlistEntry | string {
  if (text.length < NCIC_MIN_LENGTH)
    return `short line: ${text.length} characters, need at least ${NCIC_MIN_LENGTH} (code through entered date)`;
  const col = (f: keyof typeof NCIC_LAYOUT): string => text.slice(NCIC_LAYOUT[f][0], NCIC_LAYOUT[f][1]).trim();
  const code = text[0]!;
  const category = NCIC_CODES[code];
  if (!category) return `unknown list code "${code}" in column 1 (known: ${Object.keys(NCIC_CODES).join(' ')})`;
  const plate = normalizePlate(col('plate'));
  const pp = plateProblem(plate);
  if (pp) return `columns 2-11: ${pp}`;
  const st = normalizeState(col('state'));
  if ('problem' in st) return `columns 12-13: ${st.problem}`;
  const entered = dates.parse(col('entered'));
  if (typeof entered === 'string') return `columns 33-40 (entered): ${entered}`;
  const expires = dates.parse(col('expires'), true);
  if (typeof expires === 'string') return `columns 41-48 (expires): ${expires}`;
  return {
    key,
    plate,
    state: st.state,
    category,
    reason: ownText(col('reason')),
    source,
    nic: col('nic') || null,
    ori: col('ori') || null,
    caseNumber: null,
    entered,
    expires,
    priority: null,
    notes: '',
  };
}
