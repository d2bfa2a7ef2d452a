import type { EvalRow } from './eval-run.js';

/** Look-alike pairs of plate fonts, both ways (the typical OCR substitutions). */
const LOOK_ALIKES = [
  '0O',
  '0D',
  'OD',
  '0Q',
  '1I',
  '1L',
  '1T',
  '2Z',
  '5S',
  '6G',
  '8B',
  'GC',
  'UV',
  'VY',
  'MN',
  'MH',
  'KX',
  '4A',
];
const alike = (a: string, b: string) => LOOK_ALIKES.some((p) => p === a + b || p === b + a);

/** What kind of mistake a wrong read is; the eval prints the commonest kinds with examples. */
export function errorKind(truth: string, read: string, detected: boolean): string {
  if (!detected) return 'plate not detected';
  if (!read) return 'no plate-like read';
  if (read === truth) return 'correct';
  if (read.length === truth.length) {
    const diffs = [...read].map((c, i) => [c, truth[i]!] as const).filter(([a, b]) => a !== b);
    if (diffs.every(([a, b]) => alike(a, b)))
      return diffs.length === 1 ? 'one look-alike (e.g. 0/O, 8/B)' : 'several look-alikes';
    return diffs.length === 1 ? 'one other substitution' : 'several substitutions';
  }
  if (read.length === truth.length + 1) {
    if (read.slice(1) === truth) return 'extra leading character';
    if (read.slice(0, -1) === truth) return 'extra trailing character';
    for (let i = 1; i < read.length - 1; i++)
      if (read.slice(0, i) + read.slice(i + 1) === truth) return 'extra inner character (bolt, emblem, sticker)';
  }
  if (read.length === truth.length - 1) {
    if (truth.slice(1) === read) return 'leading character lost (cut box)';
    if (truth.slice(0, -1) === read) return 'trailing character lost (cut box)';
    for (let i = 1; i < truth.length - 1; i++)
      if (truth.slice(0, i) + truth.slice(i + 1) === read) return 'inner character lost';
  }
  return read.length < truth.length - 1 ? 'part of the plate read' : 'other';
}

/** Error kinds of the wrong rows, commonest first, with a few example images. */
export function errorSummary(rows: EvalRow[], examples = 3): { kind: string; count: number; examples: string[] }[] {
  const byKind = new Map<string, EvalRow[]>();
  for (const r of rows) {
    if (r.top1) continue;
    const k = errorKind(r.truth, r.text, r.detected);
    byKind.set(k, [...(byKind.get(k) ?? []), r]);
  }
  return [...byKind.entries()]
    .map(([kind, rs]) => ({
      kind,
      count: rs.length,
      examples: rs.slice(0, examples).map((r) => `${r.image} ${r.truth}→${r.text || '∅'}`),
    }))
    .sort((a, b) => b.count - a.count);
}
