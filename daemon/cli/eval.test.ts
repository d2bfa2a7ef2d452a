import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { announceSkip } from '../../test/helpers/skip.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const dataset = resolve(root, '../shared/datasets/openalpr-us-dev');
const present = existsSync(dataset);
if (!present) announceSkip('the eval dataset test', `${dataset} is absent (it is not part of a fresh clone)`);

// A real process (bin/alpr-edge.js under tsx), because onnxruntime-node cannot run inside
// jest's VM realm; it is also the command a technician types.
(present ? describe : describe.skip)('alpr-edge eval on a few openalpr-us-dev photos', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alpr-eval-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints recall, top-1/top-5 and timing for the baseline and the trained reader, and writes one CSV row per image and reader', async () => {
    const csv = join(dir, 'rows.csv');
    const { stdout } = await run(
      process.execPath,
      ['bin/alpr-edge.js', 'eval', '--dataset', dataset, '--limit', '6', '--csv', csv],
      { cwd: root, timeout: 60_000 },
    );
    expect(stdout).toMatch(/: 6 images, detector plate-det-v1-text \(detect_long_side 960 px, plate_long_side 640 px/);
    const m = /detection recall ([\d.]+) %\s+top-1 ([\d.]+) %\s+top-5 ([\d.]+) %/.exec(stdout);
    expect(m).not.toBeNull();
    const [recall, top1, top5] = m!.slice(1).map(Number) as [number, number, number];
    // 6 photos: a loose floor that still fails when the path is broken (full-set figures are in the report).
    expect(recall).toBeGreaterThanOrEqual(66);
    expect(top1).toBeGreaterThanOrEqual(33);
    expect(top5).toBeGreaterThanOrEqual(top1);
    expect(stdout).toMatch(/detect median \d+ ms, p90 \d+ ms; read median \d+ ms/);
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe(
      'image,reader,truth,read,detected,top1,top5,candidates,other_plates,width,height,detect_ms,read_ms,truth_state,read_state',
    );
    expect(lines).toHaveLength(1 + 6 * 3);
    for (const reader of ['ppocr-v4-rec', 'plate-rec-v8', 'plate-rec-v10'])
      expect(lines.filter((l) => new RegExp(`^[^,]+\\.jpg,${reader},[A-Z0-9]+,`).test(l))).toHaveLength(6);
  });

  it('names the flag when a reader is unknown', async () => {
    const err = await run(process.execPath, ['bin/alpr-edge.js', 'eval', '--dataset', dataset, '--reader', 'nope'], {
      cwd: root,
    }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(78);
    expect((err as { stderr: string }).stderr).toMatch(
      /vision\.reader: unknown reader "nope".*available: ppocr-v4-rec/,
    );
  });
});

// Needs no ../shared: a crops folder made of the project's own rendered plates (test-fixtures/plates).
describe('alpr-edge eval on a folder of plate crops', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alpr-eval-crops-'));
    const plates = [
      ['BKR4721', 'CO'],
      ['7HJW351', 'CA'],
      ['MXT5204', 'TX'],
    ];
    for (const [p] of plates)
      await copyFile(join(root, 'test-fixtures/plates', `${p}-plate.png`), join(dir, `${p}.png`));
    await writeFile(
      join(dir, 'groundtruth.csv'),
      `file,state,plate\n${plates.map(([p, s]) => `${p}.png,${s},${p}`).join('\n')}\n`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('measures the readers alone, with state accuracy, and writes the labelled and read state per row', async () => {
    const csv = join(dir, 'rows.csv');
    const { stdout } = await run(process.execPath, ['bin/alpr-edge.js', 'eval', '--dataset', dir, '--csv', csv], {
      cwd: root,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/: 3 plate crops, readers alone/);
    expect(stdout).toMatch(/reader ppocr-v4-rec:\n.*top-1 [\d.]+ %.*state [\d.]+ % \(a state given for [\d.]+ %\)/);
    expect(stdout).toMatch(/reader plate-rec-v10:\n.*top-1 [\d.]+ %.*state [\d.]+ %/);
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0]!.endsWith(',truth_state,read_state')).toBe(true);
    expect(lines).toHaveLength(1 + 3 * 3);
    expect(lines.filter((l) => l.startsWith('7HJW351.png,') && /,CA,[A-Z]*$/.test(l))).toHaveLength(3);
  });

  it('keeps only the held-out crops with --holdout, and says so', async () => {
    const csv = join(dir, 'held.csv');
    const { stdout } = await run(
      process.execPath,
      ['bin/alpr-edge.js', 'eval', '--dataset', dir, '--holdout', '--reader', 'plate-rec-v1', '--csv', csv],
      { cwd: root, timeout: 60_000 },
    );
    // Of these names only MXT5204.png falls in the training scripts' held-out tenth (CRC-32 mod 10 = 0).
    expect(stdout).toMatch(/: 1 plate crops \(held-out split\)/);
    expect(
      (await readFile(csv, 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual(['MXT5204.png']);
  });
});
