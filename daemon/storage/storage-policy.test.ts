import {
  cropsAllowed,
  floorBytes,
  nextState,
  pickCropsToShed,
  resumeBytes,
  type CropFacts,
  type StorageState,
} from './storage-policy.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('low-space policy', () => {
  it('keeps the larger of min_free_mb and min_free_percent as the floor; 0 turns either off', () => {
    expect(floorBytes(64 * GB, { min_free_mb: 500, min_free_percent: 5 })).toBe(Math.floor(64 * GB * 0.05));
    expect(floorBytes(4 * GB, { min_free_mb: 500, min_free_percent: 5 })).toBe(500 * MB);
    expect(floorBytes(4 * GB, { min_free_mb: 0, min_free_percent: 5 })).toBe(Math.floor(4 * GB * 0.05));
    expect(floorBytes(4 * GB, { min_free_mb: 0, min_free_percent: 0 })).toBe(0);
    expect(resumeBytes(100 * MB)).toBe(110 * MB);
  });

  it('is ok above the floor, sheds crops below it, refuses crops when nothing is left to shed, and is full while writes fail', () => {
    const floor = 500 * MB;
    const at = (mb: number, prev: StorageState, sheddable = true, writesFailing = false) =>
      nextState(prev, { availableBytes: mb * MB, floorBytes: floor, sheddable, writesFailing });
    expect(at(2000, 'ok')).toBe('ok');
    expect(at(499, 'ok')).toBe('shedding_crops');
    expect(at(499, 'ok', false)).toBe('crops_refused');
    expect(at(2000, 'ok', true, true)).toBe('full');
    expect(at(0, 'crops_refused', false, true)).toBe('full');
    // Between the floor and the resume mark (550 MB) each state holds, so a unit at the floor does not flap.
    expect(at(520, 'ok')).toBe('ok');
    expect(at(520, 'shedding_crops')).toBe('shedding_crops');
    expect(at(520, 'shedding_crops', false)).toBe('crops_refused');
    expect(at(520, 'crops_refused')).toBe('crops_refused');
    expect(at(520, 'full')).toBe('crops_refused');
    expect(at(550, 'crops_refused')).toBe('ok');
    expect(at(550, 'full')).toBe('ok');
    // A floor of 0 (turned off) never sheds.
    expect(nextState('ok', { availableBytes: 0, floorBytes: 0, sheddable: true, writesFailing: false })).toBe('ok');
  });

  it('stores crops while ok or shedding, and none while crops are refused or the disk is full', () => {
    expect([cropsAllowed('ok'), cropsAllowed('shedding_crops')]).toEqual([true, true]);
    expect([cropsAllowed('crops_refused'), cropsAllowed('full')]).toEqual([false, false]);
  });

  it('sheds the oldest crops first, never one under an evidence hold or of a hit, and stops once enough is freed', () => {
    const crop = (readId: string, lastSeen: number, extra: Partial<CropFacts> = {}): CropFacts => ({
      readId,
      plate: 'ABC123',
      cameraId: 'front',
      lastSeen,
      bytes: 10_000,
      hasHit: false,
      ...extra,
    });
    const oldestFirst = [
      crop('held-by-id', 1),
      crop('a', 2),
      crop('held-by-range', 3, { plate: 'KEEP99', cameraId: 'rear' }),
      crop('of-a-hit', 4, { hasHit: true }),
      crop('b', 5),
      crop('c', 6),
      crop('d', 7),
    ];
    const holds = {
      heldIds: new Set(['held-by-id']),
      ranges: [{ holdId: 2, platePattern: 'KEEP*', from: 0, to: 10, cameraId: 'rear' }],
    };
    expect(pickCropsToShed(oldestFirst, holds, 25_000)).toEqual({
      readIds: ['a', 'b', 'c'],
      examined: 6,
      bytes: 30_000,
      keptHeld: 2,
      keptHit: 1,
    });
    // A range hold for another camera or plate does not protect a crop.
    const other = {
      heldIds: new Set<string>(),
      ranges: [{ holdId: 3, platePattern: 'ZZZ*', from: 0, to: 10, cameraId: null }],
    };
    expect(pickCropsToShed(oldestFirst, other, 10_000).readIds).toEqual(['held-by-id']);
    expect(pickCropsToShed(oldestFirst, holds, 1e9).readIds).toEqual(['a', 'b', 'c', 'd']);
  });
});
