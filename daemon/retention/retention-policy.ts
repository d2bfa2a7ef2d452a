import type { HoldRange } from '../store/holds.js';

/**
 * The keep/discard rule of policy 424.4, pure so it is tested without a database: a read older
 * than the window is discarded unless a hold covers it.
 */
export const DAY_MS = 86_400_000;

export interface ReadFacts {
  id: string;
  plate: string;
  cameraId: string;
  lastSeen: number;
}

export interface HoldFacts {
  /** Read ids named by an active hold. */
  heldIds: ReadonlySet<string>;
  /** Active range holds. */
  ranges: readonly HoldRange[];
}

export type Decision = 'keep' | 'held' | 'discard';

/** Reads last seen before this instant are past the window. */
export function cutoffFor(now: number, days: number): number {
  return now - days * DAY_MS;
}

export function decide(read: ReadFacts, cutoff: number, holds: HoldFacts): Decision {
  if (read.lastSeen >= cutoff) return 'keep';
  if (holds.heldIds.has(read.id)) return 'held';
  if (holds.ranges.some((r) => rangeCovers(r, read))) return 'held';
  return 'discard';
}

export function rangeCovers(r: HoldRange, read: ReadFacts): boolean {
  if (read.lastSeen < r.from || read.lastSeen > r.to) return false;
  if (r.cameraId !== null && r.cameraId !== read.cameraId) return false;
  return r.platePattern === null || globMatches(r.platePattern, read.plate);
}

/** SQLite GLOB semantics for the plate alphabet: `*` any run, `?` one character, case-sensitive. */
export function globMatches(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(text);
}
