import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseList } from './parse.js';
import { formatRowError } from './entry.js';
import { LINES_PER_TURN, ListFileError } from './parse-text.js';
import { turnsDuring } from './test-support.js';

const dir = join(process.cwd(), 'test-fixtures', 'hotlists');
const load = (name: string) => readFileSync(join(dir, name));

describe('hotlist parsers', () => {
  it('loads the good CSV rows and reports every bad one with file, line and reason', async () => {
    const r = await parseList('csv', load('sample.csv'), 'sample.csv', 'cbi');
    expect(r.entries.map((e) => e.plate)).toEqual(['ABC1234', 'XYZ987', '7KQ221', 'AB?12*']);
    expect(r.rows).toBe(8);
    const errs = r.errors.map(formatRowError);
    expect(errs).toEqual([
      expect.stringMatching(/^sample\.csv:5: short line/),
      expect.stringMatching(/^sample\.csv:6: unknown category "unicorn"/),
      expect.stringMatching(/^sample\.csv:7: entered: bad date "2026-02-30" \(no such day\)/),
      expect.stringMatching(/^sample\.csv:8: unterminated quoted field/),
    ]);
    const [civic, plate, wanted] = r.entries;
    expect(civic).toMatchObject({
      state: 'CO',
      category: 'stolen_vehicle',
      source: 'CBI',
      nic: 'V123456789',
      priority: 1,
      expires: Date.UTC(2027, 10, 2),
    });
    expect(plate).toMatchObject({ category: 'stolen_plate', source: 'WYDCI', expires: null });
    expect(wanted).toMatchObject({ state: null, reason: 'Felony warrant, armed', notes: 'says "armed"' });
  });

  it('reports a Latin-1 row as a bad encoding on its own line and keeps the UTF-8 rows', async () => {
    const r = await parseList('csv', load('latin1.csv'), 'latin1.csv', 'x');
    expect(r.entries.map((e) => e.plate)).toEqual(['GOOD1', 'GOOD2']);
    expect(r.errors).toHaveLength(1);
    expect(formatRowError(r.errors[0]!)).toMatch(/^latin1\.csv:3: not valid UTF-8 text \(byte 0xC9 at column 4\)/);
  });

  it('refuses a UTF-16 file and a CSV without a header as a whole', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('plate,category\n', 'utf16le')]);
    await expect(parseList('csv', utf16, 'u16.csv', 'x')).rejects.toThrow(ListFileError);
    await expect(parseList('csv', Buffer.from('ABC,CO\n'), 'nohead.csv', 'x')).rejects.toThrow(
      /nohead.csv:1: the header has no "plate" column/,
    );
  });

  it('reads the NCIC fixed-width columns and names the bad column of each bad row', async () => {
    const r = await parseList('ncic', load('sample-ncic.txt'), 'ncic.txt', 'ncic');
    expect(r.entries.map((e) => [e.plate, e.state, e.category])).toEqual([
      ['ABC1234', 'CO', 'stolen_vehicle'],
      ['XYZ987', 'WY', 'stolen_plate'],
      ['7KQ221', null, 'wanted_person'],
      ['MIS5ING', 'CO', 'missing_person'],
    ]);
    expect(r.entries[0]).toMatchObject({
      nic: 'V123456789',
      ori: 'CO0100000',
      entered: Date.UTC(2026, 10, 1),
      reason: 'STOLEN 2019 HONDA CIVIC BLK',
      source: 'ncic',
    });
    expect(r.errors.map(formatRowError)).toEqual([
      expect.stringMatching(/^ncic\.txt:5: short line: 7 characters/),
      expect.stringMatching(/^ncic\.txt:6: unknown list code "Z"/),
      expect.stringMatching(/^ncic\.txt:7: columns 33-40 \(entered\): bad date "20261301"/),
      expect.stringMatching(/^ncic\.txt:9: columns 12-13: unknown state code "QQ"/),
    ]);
  });

  it('reads the CCIC extract (plate 0-10, state 10-12, list type 12-34, description) and skips bad rows', async () => {
    const r = await parseList('ccic', load('sample-ccic.txt'), 'ccic.txt', 'ccic');
    expect(r.entries.map((e) => [e.plate, e.state, e.category, e.notes])).toEqual([
      ['CCIC001', 'CO', 'stolen_vehicle', '2015 FORD F-150 WHITE'],
      ['CCIC002', 'CO', 'stolen_plate', ''],
      ['AB?12*', 'CO', 'felony_vehicle', 'DARK SEDAN, PARTIAL PLATE'],
      ['CCIC007', 'UT', 'missing_person', '2010 SUBARU OUTBACK GRN'],
    ]);
    expect(r.errors.map(formatRowError)).toEqual([
      expect.stringMatching(/^ccic\.txt:4: columns 13-34: unknown list type "UNICORN SIGHTING"/),
      expect.stringMatching(/^ccic\.txt:5: short line/),
      expect.stringMatching(/^ccic\.txt:6: columns 11-12: unknown state code "ZZ"/),
    ]);
  });

  it('rejects patterns too broad to be useful', async () => {
    const r = await parseList('csv', Buffer.from('plate,category\n*,bolo\nA*,bolo\nAB*,bolo\n'), 'p.csv', 'x');
    expect(r.entries.map((e) => e.plate)).toEqual(['AB*']);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
  });

  it('gives the event loop turns while a long list parses (alerts keep flowing during a sync)', async () => {
    const rows = LINES_PER_TURN * 4;
    const list = [
      'plate,category',
      ...Array.from({ length: rows }, (_, i) => `P${String(i).padStart(6, '0')},bolo`),
    ].join('\n');
    const { result: r, turns } = await turnsDuring(() => parseList('csv', Buffer.from(list), 'big.csv', 'x'));
    expect(r.entries).toHaveLength(rows);
    expect(turns).toBeGreaterThanOrEqual(3);
  });
});
