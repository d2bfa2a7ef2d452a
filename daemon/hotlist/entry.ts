/**
 * What a hotlist entry means, independent of the file format it came from. Categories follow
 * policy 424.1 (stolen vehicles and plates, wanted and missing persons) and 424.3(d) (partial
 * plates entered after a major crime).
 */
export const CATEGORIES = [
  'stolen_vehicle',
  'stolen_plate',
  'wanted_person',
  'felony_vehicle',
  'missing_person',
  'amber_alert',
  'protection_order',
  'sex_offender',
  'gang_terrorist',
  'investigation',
  'bolo',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(s: string): s is Category {
  return (CATEGORIES as readonly string[]).includes(s);
}

/** One list entry. Plates are stored normalised (see normalize.ts); `*` and `?` make it a pattern. */
export interface HotlistEntry {
  /** Stable within a list version: `<source>:<line>` for list rows, `local:<id>` for local entries. */
  key: string;
  plate: string;
  /** Two-letter state/province, or null when the entry matches any state. */
  state: string | null;
  category: Category;
  reason: string;
  /** Who issued the entry: the list's source name, or `local` for entries made on the unit. */
  source: string;
  /** NCIC number, when the list gives one. */
  nic: string | null;
  /** Originating agency identifier (NCIC ORI), when given. */
  ori: string | null;
  caseNumber: string | null;
  /** Epoch ms; null when unknown. */
  entered: number | null;
  /** Epoch ms after which the entry never matches; null when it does not expire. */
  expires: number | null;
  priority: number | null;
  notes: string;
}

/** A bad row: reported with its file and line and skipped, so the rest of the list still loads. */
export interface RowError {
  file: string;
  line: number;
  reason: string;
}

export function formatRowError(e: RowError): string {
  return `${e.file}:${e.line}: ${e.reason}`;
}

/** The result of parsing one list file. */
export interface ParsedList {
  entries: HotlistEntry[];
  errors: RowError[];
  /** Data lines seen (header, blank and comment lines excluded). */
  rows: number;
}

/**
 * What makes two entries "the same" across list versions (line numbers move between versions):
 * used to find the entries a new version adds (retrospective hits) and to avoid repeating a hit.
 */
export function entryIdentity(e: HotlistEntry): string {
  return e.source === 'local' ? e.key : `${e.source}|${e.plate}|${e.state ?? ''}|${e.category}`;
}
