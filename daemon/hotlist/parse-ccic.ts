import type { Category, HotlistEntry, ParsedList, RowError } from './entry.js';
import { normalizePlate, normalizeState, plateProblem } from './normalize.js';
import { forEachLine, Interner, isSkippable, ownText } from './parse-text.js';

/**
 * Colorado CCIC extract: plate in columns 0-10, state 10-12, list type as text 12-34, then the
 * vehicle description (0-based, end exclusive). The extract carries no dates or NIC numbers.
 */
export const CCIC_LAYOUT = { plate: [0, 10], state: [10, 12], type: [12, 34], description: [34, Infinity] } as const;
export const CCIC_MIN_LENGTH = 13;

/** List-type texts seen in CCIC extracts, matched after collapsing spaces. */
export const CCIC_TYPES: Record<string, Category> = {
  'STOLEN VEHICLE': 'stolen_vehicle',
  'STOLEN VEH': 'stolen_vehicle',
  'STOLEN PLATE': 'stolen_plate',
  'STOLEN LICENSE PLATE': 'stolen_plate',
  'STOLEN LIC PLATE': 'stolen_plate',
  'WANTED PERSON': 'wanted_person',
  WARRANT: 'wanted_person',
  'FELONY VEHICLE': 'felony_vehicle',
  'MISSING PERSON': 'missing_person',
  'AMBER ALERT': 'amber_alert',
  'PROTECTION ORDER': 'protection_order',
  'SEX OFFENDER': 'sex_offender',
  'GANG MEMBER': 'gang_terrorist',
  TERRORIST: 'gang_terrorist',
  'GANG/TERRORIST': 'gang_terrorist',
  BOLO: 'bolo',
};

export async function parseCcicList(buf: Uint8Array, file: string, source: string): Promise<ParsedList> {
  const errors: RowError[] = [];
  const entries: HotlistEntry[] = [];
  let rows = 0;
  const types = new Interner();
  const unread = await forEachLine(buf, file, errors, (line, text) => {
    if (isSkippable(text)) return;
    rows++;
    const r = ccicRow(text, `${source}:${line}`, source, types);
    if (typeof r === 'string') errors.push({ file, line, reason: r });
    else entries.push(r);
  });
  // Lines rejected before parsing (too long, not UTF-8) are data rows too, for the rejected-rows limit.
  rows += unread;
  return { entries, errors, rows };
}

function ccicRow(text: string, key: string, source: string, types: Interner): HotlistEntry | string {
  if (text.length < CCIC_MIN_LENGTH)
    return `short line: ${text.length} characters, need plate, state and list type (at least ${CCIC_MIN_LENGTH})`;
  const col = (f: keyof typeof CCIC_LAYOUT): string => text.slice(CCIC_LAYOUT[f][0], CCIC_LAYOUT[f][1]).trim();
  const plate = normalizePlate(col('plate'));
  const pp = plateProblem(plate);
  if (pp) return `columns 1-10: ${pp}`;
  const st = normalizeState(col('state'));
  if ('problem' in st) return `columns 11-12: ${st.problem}`;
  const typeText = col('type').toUpperCase().replace(/\s+/g, ' ');
  const category = CCIC_TYPES[typeText];
  if (!category) return `columns 13-34: unknown list type "${typeText}"`;
  const description = col('description');
  return {
    key,
    plate,
    state: st.state,
    category,
    reason: types.get(typeText),
    source,
    nic: null,
    ori: null,
    caseNumber: null,
    entered: null,
    expires: null,
    priority: null,
    notes: ownText(description),
  };
}
