import { rangeCovers, type HoldFacts } from '../retention/retention-policy.js';

/**
 * What the unit does about disk space, pure so it is tested without a disk: the state the low-space
 * guard is in, and which crops go first when space runs low.
 *
 * - `ok`: free space at or above the floor.
 * - `shedding_crops`: below the floor; the oldest crops not under an evidence hold are deleted
 *   until free space is back above the resume mark. Reads keep their rows.
 * - `crops_refused`: below the floor with nothing left to shed; new reads are stored without crops.
 * - `full`: writes fail; reads and hits wait in memory and hits go straight to MQTT.
 */
export type StorageState = 'ok' | 'shedding_crops' | 'crops_refused' | 'full';

const MB = 1024 * 1024;

export interface FloorConfig {
  min_free_mb: number;
  min_free_percent: number;
}

/** The free space to keep: the larger of the two settings (either may be 0, turning it off). */
export function floorBytes(totalBytes: number, c: FloorConfig): number {
  return Math.max(c.min_free_mb * MB, Math.floor((totalBytes * c.min_free_percent) / 100));
}

/**
 * Where a low unit goes back to normal: a tenth above the floor, so a unit that hovers at the
 * floor does not flip between states (and log lines) on every check.
 */
export function resumeBytes(floor: number): number {
  return floor + Math.ceil(floor / 10);
}

export interface SpaceFacts {
  /** Free to this process on the file system, plus free pages inside the database file. */
  availableBytes: number;
  floorBytes: number;
  /** Whether a crop not under a hold (and not of a hit) is left to delete. */
  sheddable: boolean;
  /** The last write of a read failed with a storage error and has not succeeded since. */
  writesFailing: boolean;
}

export function nextState(prev: StorageState, f: SpaceFacts): StorageState {
  if (f.writesFailing) return 'full';
  const lowState: StorageState = f.sheddable ? 'shedding_crops' : 'crops_refused';
  if (f.availableBytes < f.floorBytes) return lowState;
  if (f.availableBytes >= resumeBytes(f.floorBytes)) return 'ok';
  // Between the floor and the resume mark: carry on as before.
  if (prev === 'ok') return 'ok';
  if (prev === 'shedding_crops') return lowState;
  return 'crops_refused';
}

/** Whether a new read may be stored with its crop. */
export function cropsAllowed(state: StorageState): boolean {
  return state === 'ok' || state === 'shedding_crops';
}

/** A stored crop, as the shedding step sees it (oldest first). */
export interface CropFacts {
  readId: string;
  plate: string;
  cameraId: string;
  lastSeen: number;
  bytes: number;
  /** The read raised a hotlist hit: its crop is what a deputy verifies against (424.3(f)). */
  hasHit: boolean;
}

export type CropDecision = 'shed' | 'held' | 'hit';

export function decideCrop(c: CropFacts, holds: HoldFacts): CropDecision {
  if (holds.heldIds.has(c.readId)) return 'held';
  const facts = { id: c.readId, plate: c.plate, cameraId: c.cameraId, lastSeen: c.lastSeen };
  if (holds.ranges.some((r) => rangeCovers(r, facts))) return 'held';
  return c.hasHit ? 'hit' : 'shed';
}

export interface ShedPlan {
  readIds: string[];
  /** How many of `oldestFirst` were looked at (the walk resumes after them). */
  examined: number;
  bytes: number;
  keptHeld: number;
  keptHit: number;
}

/**
 * Picks crops to delete from `oldestFirst` until `needBytes` are covered: oldest first, never one
 * under an evidence hold (424.4) nor one of a hit.
 */
export function pickCropsToShed(oldestFirst: readonly CropFacts[], holds: HoldFacts, needBytes: number): ShedPlan {
  const plan: ShedPlan = { readIds: [], examined: 0, bytes: 0, keptHeld: 0, keptHit: 0 };
  for (const c of oldestFirst) {
    if (plan.bytes >= needBytes) break;
    plan.examined++;
    const d = decideCrop(c, holds);
    if (d === 'held') plan.keptHeld++;
    else if (d === 'hit') plan.keptHit++;
    else {
      plan.readIds.push(c.readId);
      plan.bytes += c.bytes;
    }
  }
  return plan;
}
