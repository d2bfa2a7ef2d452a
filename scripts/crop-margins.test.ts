import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { announceSkip } from '../test/helpers/skip.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const dataset = resolve(root, '../shared/datasets/openalpr-eu');
const present = existsSync(dataset);
if (!present) announceSkip('the crop margins dataset test', `${dataset} is absent (it is not part of a fresh clone)`);

// A real process: onnxruntime-node cannot run inside jest's VM realm.
(present ? describe : describe.skip)('crop margins on a few openalpr-eu photos', () => {
  it('finds the plates, counts the crops the plate reaches past, and reads them with default and wider margins', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/crop-margins.ts', '--dataset', dataset, '--limit', '4', '--line-views', '2,1;1,0'],
      { cwd: root, timeout: 110_000 },
    );
    const found = /: 4 photos, the plate found in (\d)/.exec(stdout);
    expect(Number(found?.[1])).toBeGreaterThanOrEqual(3);
    const first = [...stdout.matchAll(/first crop \(read alone first\): left (\d+) .*either (\d+) .* of (\d+)/g)];
    expect(first).toHaveLength(2);
    // Wider line crops can only leave the plate less outside.
    expect(Number(first[1]![2])).toBeLessThanOrEqual(Number(first[0]![2]));
    expect(stdout).toMatch(/every crop \(the widest on each side\): left \d+/);
    const reads = [
      ...stdout.matchAll(/reads, plate-rec-v\d+[^:]*: top-1 [\d.]+ % \(95 % CI [\d.]+–[\d.]+ %, (\d) of 4\)/g),
    ];
    expect(reads).toHaveLength(2);
    expect(Number(reads[0]![1])).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
