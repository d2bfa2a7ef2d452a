import { writeFileSync } from 'node:fs';
import { hotlistStore } from '../store/hotlist-store.js';
import { join } from 'node:path';
import { ManualClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { formatRowError } from './entry.js';
import { HotlistService } from './hotlist-service.js';
import { parseList } from './parse.js';
import { BYTES_PER_TURN, MAX_LINE_BYTES } from './parse-text.js';
import { hotlistConfig, tempDb, turnsDuring } from './test-support.js';

const NOW = Date.UTC(2026, 10, 28, 12);

/** `plate,category` CSV bytes with `middle` as line 3, between two good rows. */
function csvAround(middle: Buffer): Buffer {
  return Buffer.concat([Buffer.from('plate,category\nGOOD1,bolo\n'), middle, Buffer.from('\nGOOD2,bolo\n')]);
}

describe('a hostile hotlist file', () => {
  it('rejects a 960 KB line with an invalid byte by its line number, unread, and loads the rows around it', async () => {
    const long = Buffer.concat([Buffer.from('ABC123,bolo,'), Buffer.alloc(960_000, 0x41), Buffer.from([0xc9])]);
    const r = await parseList('csv', csvAround(long), 'long.csv', 'x');
    expect(r.entries.map((e) => e.plate)).toEqual(['GOOD1', 'GOOD2']);
    expect(r.errors.map(formatRowError)).toEqual([
      `long.csv:3: line too long: 960,013 bytes, the limit is ${MAX_LINE_BYTES} (not read)`,
    ]);
    expect(r.rows).toBe(3);
  });

  it('rejects a line just over the limit and reads one at the limit', async () => {
    const at = `AT1,bolo,${'n'.repeat(MAX_LINE_BYTES - 9)}`;
    const over = `OVER1,bolo,${'n'.repeat(MAX_LINE_BYTES - 10)}`;
    const r = await parseList('csv', csvAround(Buffer.from(`${at}\n${over}`)), 'edge.csv', 'x');
    expect(r.entries.map((e) => e.plate)).toEqual(['GOOD1', 'AT1', 'GOOD2']);
    expect(r.errors.map(formatRowError)).toEqual([expect.stringMatching(/^edge\.csv:4: line too long: 4,097 bytes/)]);
  });

  it('names the column of an invalid byte in each format, and a NUL byte refuses the file by its line', async () => {
    const ncic = Buffer.concat([
      Buffer.from('VABC1234   CO V123456789CO0100000202611012027110'),
      Buffer.from([0xff]),
      Buffer.from('STOLEN\n'),
    ]);
    const n = await parseList('ncic', ncic, 'n.txt', 'ncic');
    expect(n.errors.map(formatRowError)).toEqual([
      'n.txt:1: not valid UTF-8 text (byte 0xFF at column 49); is the file Latin-1?',
    ]);
    await expect(
      parseList('ccic', Buffer.from('CCIC001   COSTOLEN VEHICLE\nX\u0000\n'), 'c.txt', 'ccic'),
    ).rejects.toThrow(/^c\.txt:2: NUL byte/);
  });

  it('gives the event loop a turn at least every BYTES_PER_TURN bytes, however long its lines', async () => {
    // 2,000 lines of 3 KB: under the lines-per-turn count, over ten times the bytes per turn.
    const row = (i: number) => `P${String(i).padStart(6, '0')},bolo,${'r'.repeat(3000)}`;
    const list = Buffer.from(['plate,category,reason', ...Array.from({ length: 2000 }, (_, i) => row(i))].join('\n'));
    const { result, turns } = await turnsDuring(() => parseList('csv', list, 'wide.csv', 'x'));
    expect(result.entries).toHaveLength(2000);
    expect(turns).toBeGreaterThanOrEqual(Math.floor(list.length / BYTES_PER_TURN) - 1);
  });
});

describe('a refresh that yields no valid row', () => {
  it('never replaces a list in use, even when every row may be rejected; it is reported as a failed refresh', async () => {
    const t = tempDb();
    try {
      const file = join(t.dir, 'list.csv');
      writeFileSync(file, 'plate,category\nABC123,stolen_vehicle\n');
      const clock = new ManualClock(NOW);
      const config = hotlistConfig({
        max_rejected_fraction: 1,
        sources: [{ id: 'cbi', format: 'csv', file, headers: {}, timeout_s: 5, enabled: true }],
      });
      const svc = new HotlistService({
        store: hotlistStore(t.db),
        config,
        storagePath: t.dir,
        clock,
        log: silentLogger(),
      });
      await svc.syncNow();
      const v1 = svc.status().sources[0]!.version;
      expect(svc.status().sources[0]).toMatchObject({ entries: 1, last_error: null });

      // Every row bad: an over-long line, a Latin-1 line, an unknown category.
      writeFileSync(
        file,
        Buffer.concat([
          Buffer.from(`plate,category\n${'X'.repeat(5000)}\nCAF`),
          Buffer.from([0xc9]),
          Buffer.from(',bolo\nXYZ9,unicorn\n'),
        ]),
      );
      clock.advance(3600_000);
      await svc.syncNow();
      expect(svc.status().sources[0]).toMatchObject({
        version: v1,
        entries: 1,
        last_error: 'the new version has no valid row (3 of 3 rows rejected); keeping the previous one',
      });
      const plates = svc.activeLists().flatMap((l) => l.matcher.match('ABC123', null, clock.now()));
      expect(plates.map((m) => m.entry.plate)).toEqual(['ABC123']);
    } finally {
      t.cleanup();
    }
  });
});
