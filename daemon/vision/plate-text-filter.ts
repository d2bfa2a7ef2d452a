/**
 * Plate-likeness of a read line of text. The text detector finds every line in the scene; a
 * plate line is 2–8 characters of A–Z/0–9 and is not a clock or date overlay, a phone number
 * on a van, or a state name or slogan word printed on or around the plate.
 * Returns why a line is rejected, or null when it may be a plate.
 */
export function rejectReason(text: string, raw: string): string | null {
  if (text.length < 2) return 'too short';
  if (text.length > 8) return 'too long';
  const r = raw.replace(/\s+/g, ' ').trim();
  // Camera overlays: "12:34", "12:34:56", "2024-05-01", "05/01/24". A colon alone is not
  // enough: round stickers between a Czech plate's groups read as one ("1B2:5790").
  if (/(^|\D)\d{1,2}\s?[:：]\s?\d{2}(?!\d)/.test(r)) return 'clock overlay';
  if (/\d{1,4}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{2,4}/.test(r)) return 'date overlay';
  // Phone numbers: "555-1234", "(555) 123-4567", "555.123.4567" (digits only, with separators).
  if (/(^|[^0-9A-Za-z])\(?\d{3}\)?[\s.-]\d{3,4}([\s.-]\d{4})?($|[^0-9A-Za-z])/.test(` ${r} `) && !/[A-Za-z]/.test(r))
    return 'phone number';
  if (/^[A-Z]+$/.test(text) && NOT_PLATES.has(text)) return 'state name or plate word';
  return null;
}

/**
 * Words printed on US plates and their frames that fit the 2–8 character rule. A vanity plate
 * spelling one of them exactly is rarer than the word itself being read instead of the plate.
 */
const NOT_PLATES = new Set([
  'ALABAMA',
  'ALASKA',
  'ARIZONA',
  'ARKANSAS',
  'COLORADO',
  'DELAWARE',
  'FLORIDA',
  'GEORGIA',
  'HAWAII',
  'IDAHO',
  'ILLINOIS',
  'INDIANA',
  'IOWA',
  'KANSAS',
  'KENTUCKY',
  'MAINE',
  'MARYLAND',
  'MICHIGAN',
  'MISSOURI',
  'MONTANA',
  'NEBRASKA',
  'NEVADA',
  'NEWYORK',
  'OHIO',
  'OKLAHOMA',
  'OREGON',
  'TEXAS',
  'UTAH',
  'VERMONT',
  'VIRGINIA',
  'WYOMING',
  'WISCONSN',
  'USA',
  'AMERICA',
  'DEALER',
  'EXPIRES',
  'COUNTY',
  'STATE',
  'SUNSHINE',
  'TEMP',
  'TEMPTAG',
  'LONESTAR',
  'ALOHA',
  'GARDEN',
  'FIRST',
  'FOREVER',
  'PURE',
  'MICHIGAN',
  'VOLUNTER',
  'TRUCK',
]);
