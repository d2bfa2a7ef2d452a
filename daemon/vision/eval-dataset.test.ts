import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHeldOut, loadDataset, scoreImage } from './eval-dataset.js';
import type { AnalyzedPlate } from './ports.js';

const plate = (text: string, state: string | null, box = { x: 0, y: 0, w: 10, h: 5 }): AnalyzedPlate => ({
  text,
  confidence: 0.9,
  chars: [],
  alternatives: [{ text: `${text}X`, confidence: 0.1 }],
  state,
  box,
  detectionScore: 1,
});

describe('labelled plate crops (groundtruth.csv, as openalpr-us-crops)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alpr-crops-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists each crop with its plate and state and no box (the whole image is the plate)', async () => {
    await writeFile(join(dir, 'groundtruth.csv'), 'file,state,plate\nco2.png,co,bkr-4721\nca1.png,CA,7HJW351\n');
    expect(await loadDataset(dir)).toEqual([
      { name: 'ca1.png', file: join(dir, 'ca1.png'), box: null, plate: '7HJW351', state: 'CA' },
      { name: 'co2.png', file: join(dir, 'co2.png'), box: null, plate: 'BKR4721', state: 'CO' },
    ]);
  });

  it('names the file and line of a malformed row', async () => {
    await writeFile(join(dir, 'groundtruth.csv'), 'file,state,plate\nco2.png,CO\n');
    await expect(loadDataset(dir)).rejects.toThrow(`${join(dir, 'groundtruth.csv')}:2: expected "file,state,PLATE"`);
  });

  it('holds out the same crops as the training scripts (CRC-32 of the name mod 10, scripts/train/common.py is_val)', () => {
    // Values from Python: zlib.crc32(b"ak399.png") % 10 == 0, zlib.crc32(b"ak1165.png") % 10 == 1.
    expect(isHeldOut('ak399.png')).toBe(true);
    expect(isHeldOut('ca1591.png')).toBe(true);
    expect(isHeldOut('ak1165.png')).toBe(false);
    expect(isHeldOut('ak721.png')).toBe(false);
  });

  it("scores a crop by the reader's first plate, and its state only against a labelled state", () => {
    const crop = { name: 'a.png', file: 'a.png', box: null, plate: 'ABC123', state: 'CA' };
    expect(scoreImage(crop, [plate('ABC123', 'CA')])).toMatchObject({
      detected: true,
      top1: true,
      state: 'CA',
      stateCorrect: true,
    });
    expect(scoreImage(crop, [plate('ABC123', null)])).toMatchObject({ top1: true, state: null, stateCorrect: false });
    expect(scoreImage(crop, [plate('ABC128', 'NV')])).toMatchObject({ top1: false, top5: false, stateCorrect: false });
    expect(scoreImage({ ...crop, state: undefined }, [plate('ABC123', 'CA')]).stateCorrect).toBeNull();
    expect(scoreImage(crop, [])).toMatchObject({ detected: false, top1: false, stateCorrect: false });
  });
});
