import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRowError, type ParsedList } from '../../daemon/hotlist/entry.js';
import { type ListFormat, parseList } from '../../daemon/hotlist/parse.js';
import { ListFileError, MAX_LINE_BYTES } from '../../daemon/hotlist/parse-text.js';
import { ROOT } from '../helpers/daemon.js';
import { fuzzSeed, type Mutation, mutate, Rng, TEXT_MUTATIONS } from './mutate.js';

/** Seeded mutations of the fixture lists, per format, through the parsers the daemon loads lists with. */

const CASES_PER_FORMAT = 220;
const fixture = (name: string) => readFileSync(join(ROOT, 'test-fixtures', 'hotlists', name));
const bases: Record<ListFormat, Buffer[]> = {
  csv: [fixture('sample.csv'), fixture('latin1.csv')],
  ncic: [fixture('sample-ncic.txt')],
  ccic: [fixture('sample-ccic.txt')],
};

/** A 960 KB line with an invalid byte near its end: what used to hold the event loop for minutes. */
const longBadLine: Mutation = {
  name: '960 KB line with an invalid byte',
  apply: (b, r) => {
    const at = b.indexOf(0x0a) + 1;
    const line = Buffer.concat([
      Buffer.alloc(960_000, 0x41),
      Buffer.from([r.pick([0xff, 0xc9, 0xc3])]),
      Buffer.from('\n'),
    ]);
    return Buffer.concat([b.subarray(0, at), line, b.subarray(at)]);
  },
};
/** Every data line replaced by junk: a file without one valid row. */
const noValidRow: Mutation = {
  name: 'no valid row',
  apply: (b, r) => {
    const ls = b.toString('latin1').split('\n');
    return Buffer.from(
      ls.map((l, i) => (i === 0 && l.startsWith('plate') ? l : `${'Z'.repeat(r.int(3))}#${i}?`)).join('\n'),
      'latin1',
    );
  },
};

const lineCount = (b: Buffer): number => {
  let n = 1;
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
};

function check(format: ListFormat, bytes: Buffer, result: ParsedList | Error, where: string): void {
  const file = `list.${format}`;
  if (result instanceof Error) {
    if (!(result instanceof ListFileError)) throw new Error(`${where}: ${result.stack}`);
    if (!/^list\.\w+:\d+: /.test(result.message))
      throw new Error(`${where}: refusal without a line: ${result.message}`);
    return;
  }
  const lines = lineCount(bytes);
  for (const e of result.errors) {
    if (!Number.isInteger(e.line) || e.line < 1 || e.line > lines)
      throw new Error(`${where}: row error on line ${e.line} of ${lines}: ${formatRowError(e)}`);
    if (!formatRowError(e).startsWith(`${file}:${e.line}: `)) throw new Error(`${where}: ${formatRowError(e)}`);
  }
  if (result.entries.length + result.errors.length > lines) throw new Error(`${where}: more rows than lines`);
}

describe('mutated hotlists', () => {
  const seed = fuzzSeed();
  for (const format of ['csv', 'ncic', 'ccic'] as const) {
    it(`${format}: parse or are refused, every rejection with its line, never a crash (seed ${seed}, ${CASES_PER_FORMAT} cases)`, async () => {
      const r = new Rng(seed ^ format.length);
      const pool = [...TEXT_MUTATIONS, noValidRow];
      let withEntries = 0;
      for (let i = 0; i < CASES_PER_FORMAT; i++) {
        // A few cases carry the long bad line; it is linear now, but 960 KB is still work.
        const { bytes, applied } =
          i % 55 === 7
            ? ((b) => ({ bytes: longBadLine.apply(b, r), applied: [longBadLine.name] }))(r.pick(bases[format]))
            : mutate(r.pick(bases[format]), r, pool);
        const where = `${format} seed ${seed} case ${i} (${applied.join(', ')}; FUZZ_SEED=${seed} to rerun)`;
        const result = await parseList(format, bytes, `list.${format}`, 'fuzz').catch((e: Error) => e);
        check(format, bytes, result, where);
        if (!(result instanceof Error) && result.entries.length) withEntries++;
        if (applied[0] === longBadLine.name && !(result instanceof Error)) {
          // The long line is one row error, refused by its length before it is decoded.
          expect(result.errors.filter((e) => /line too long/.test(e.reason)).map((e) => e.line)).toEqual([2]);
        }
      }
      expect(withEntries).toBeGreaterThan(CASES_PER_FORMAT / 4);
    }, 60_000);
  }

  it('a file with no valid row yields no entry, each row rejected with its line', async () => {
    const bytes = noValidRow.apply(fixture('sample.csv'), new Rng(fuzzSeed()));
    const r = await parseList('csv', bytes, 'list.csv', 'fuzz');
    expect(r.entries).toEqual([]);
    expect(r.errors.length).toBe(r.rows);
    check('csv', bytes, r, 'no valid row');
  });

  it(`the long line is refused by its length, not by decoding it: any line over ${MAX_LINE_BYTES} bytes`, async () => {
    for (const size of [20_000, 40_000, 960_000]) {
      const bytes = Buffer.concat([
        Buffer.from('plate,category\nABC123,bolo,'),
        Buffer.alloc(size, 0x41),
        Buffer.from([0xc9, 0x0a]),
      ]);
      const r = await parseList('csv', bytes, 'list.csv', 'fuzz');
      expect(r.errors.map(formatRowError)).toEqual([
        `list.csv:2: line too long: ${(size + 13).toLocaleString('en-US')} bytes, the limit is ${MAX_LINE_BYTES} (not read)`,
      ]);
    }
  });
});
