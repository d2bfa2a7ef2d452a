import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../store/database.js';
import { ReadStore } from '../store/reads.js';
import { hotlistConfigSchema, type HotlistConfig } from './config.js';
import type { HotlistEntry } from './entry.js';

/** Test helpers shared by the hotlist room's tests (not used by the daemon). */
export function tempDb(): { db: Db; dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-hot-'));
  const db = openDatabase(join(dir, 'edge.db'));
  return {
    db,
    dir,
    cleanup: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function storeRead(
  db: Db,
  id: string,
  plate: string,
  state: string | null,
  at: number,
  cameraId = 'front',
): void {
  new ReadStore(db).insert(
    {
      id,
      cameraId,
      text: plate,
      confidence: 0.91,
      alternatives: [],
      state,
      firstSeen: at - 500,
      lastSeen: at,
      frames: 3,
      cropJpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
      box: { x: 1, y: 2, w: 80, h: 20 },
      frameWidth: 1280,
      frameHeight: 720,
    },
    { text: 'US-6 MP 262 EB', lat: 39.7, lon: -105.6 },
    at,
  );
}

export function hotlistConfig(over: Partial<HotlistConfig> = {}): HotlistConfig {
  return { ...hotlistConfigSchema.parse({}), ...over };
}

/** Runs `work` and counts the event-loop turns other callbacks got while it ran (0 when it never yields). */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), turns };
  } finally {
    running = false;
  }
}

/** A stolen-vehicle entry of the state bureau's list for `plate`, with `over` changed. */
export function hotEntry(plate: string, over: Partial<HotlistEntry> = {}): HotlistEntry {
  return {
    key: `cbi:${plate}`,
    plate,
    state: 'CO',
    category: 'stolen_vehicle',
    reason: 'Stolen 2019 Civic',
    source: 'CBI',
    nic: 'V1',
    ori: null,
    caseNumber: null,
    entered: null,
    expires: null,
    priority: 1,
    notes: '',
    ...over,
  };
}
