/**
 * Plate text rules shared by the list parsers, the matcher and the CLI. A plate is compared in
 * one canonical form: uppercase A-Z and 0-9, no spaces, dashes or dots.
 */
export function normalizePlate(raw: string): string {
  // Fast path: list rows and reader output are almost always clean already.
  if (CLEAN.test(raw)) return raw;
  return raw.toUpperCase().replace(/[\s\-.·]/g, '');
}
const CLEAN = /^[A-Z0-9*?]*$/;

const PLATE = /^[A-Z0-9]{1,10}$/;
const PATTERN = /^[A-Z0-9*?]{1,10}$/;

export function isPattern(plate: string): boolean {
  return plate.includes('*') || plate.includes('?');
}

/**
 * Returns why a normalised plate (or pattern) is unacceptable, or null. A pattern needs at least
 * two literal characters: `*` or `??*` alone would hit every car on the road.
 */
export function plateProblem(plate: string): string | null {
  if (plate.length === 0) return 'empty plate';
  if (!isPattern(plate)) return PLATE.test(plate) ? null : `plate "${plate}" must be 1-10 letters or digits`;
  if (!PATTERN.test(plate)) return `pattern "${plate}" may hold only letters, digits, "*" and "?" (at most 10)`;
  const literals = plate.replace(/[*?]/g, '').length;
  if (literals < 2) return `pattern "${plate}" is too broad: give at least two known characters`;
  return null;
}

/**
 * OCR-confusable classes: 0/O/D/Q, 1/I/L/T, 2/Z, 5/S, 8/B, 6/G. Each character maps to
 * its class representative, so two plates that differ only by confusables share one key.
 */
const CONFUSABLE: Record<string, string> = {
  O: '0',
  D: '0',
  Q: '0',
  I: '1',
  L: '1',
  T: '1',
  Z: '2',
  S: '5',
  B: '8',
  G: '6',
};

export function confusableKey(plate: string): string {
  let out = '';
  for (const ch of plate) out += CONFUSABLE[ch] ?? ch;
  return out;
}

/** USPS state, territory and military codes, plus Canadian provinces and Mexico ("MX"). */
const STATES = new Set(
  (
    'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR ' +
    'PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI UM AA AE AP ' +
    'AB BC MB NB NL NS NT NU ON PE QC SK YT MX US'
  ).split(' '),
);

/** Normalises a state field: blank → null (any state); an unknown code → an Error message. */
const ANY_STATE = { state: null } as const;
const KNOWN = new Map([...STATES].map((s) => [s, { state: s }] as const));

export function normalizeState(raw: string): { state: string | null } | { problem: string } {
  // Shared result objects: no allocation per row for the clean case.
  const known = KNOWN.get(raw);
  if (known) return known;
  if (raw === '') return ANY_STATE;
  const s = raw.trim().toUpperCase();
  if (s === '') return { state: null };
  if (!STATES.has(s)) return { problem: `unknown state code "${raw.trim()}"` };
  return { state: s };
}
