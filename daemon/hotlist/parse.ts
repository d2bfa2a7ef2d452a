import type { ParsedList } from './entry.js';
import { parseCsvList } from './parse-csv.js';
import { parseNcicList } from './parse-ncic.js';
import { parseCcicList } from './parse-ccic.js';

export type ListFormat = 'csv' | 'ncic' | 'ccic';

/**
 * Parses a list file in the given format, giving the event loop a turn every few thousand lines.
 * Rejects with ListFileError only when no row can be trusted.
 */
export function parseList(format: ListFormat, buf: Uint8Array, file: string, source: string): Promise<ParsedList> {
  switch (format) {
    case 'csv':
      return parseCsvList(buf, file, source);
    case 'ncic':
      return parseNcicList(buf, file, source);
    case 'ccic':
      return parseCcicList(buf, file, source);
  }
}
