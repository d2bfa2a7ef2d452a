import { statfsSync } from 'node:fs';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { AuditLog } from '../store/audit-log.js';
import { CROP_CURSOR_START, CropStore, type CropCursor } from '../store/crops.js';
import { isStorageError, withoutZeroingFreedPages, type Db } from '../store/database.js';
import { HoldStore } from '../store/holds.js';
import { checkpointerFor, type Checkpointer } from '../store/wal-checkpointer.js';
import { transactionsOn } from '../store/transactions.js';
import type { StorageConfig } from './config.js';
import {
  cropsAllowed,
  floorBytes,
  nextState,
  pickCropsToShed,
  resumeBytes,
  type StorageState,
} from './storage-policy.js';

/** Free and total bytes of the file system holding `path`, as this (unprivileged) process may use it. */
export type SpaceProbe = (path: string) => { availableBytes: number; totalBytes: number };

export const statfsProbe: SpaceProbe = (path) => {
  const s = statfsSync(path);
  return { availableBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
};

/** The storage part of the status and health messages. */
export interface StorageStatus {
  state: StorageState;
  /** File system free space plus free pages inside the database; null before the first check. */
  free_bytes: number | null;
  floor_bytes: number | null;
  /** Crops deleted to make room since the daemon started. */
  crops_shed: number;
}

export interface StorageGuardDeps {
  db: Db;
  config: StorageConfig;
  clock: Clock;
  log: Logger;
  /** Tests give their own numbers; the daemon asks the kernel (statfs). */
  probe?: SpaceProbe;
}

/** Crops looked at per step: one short transaction each, so ingest waits a few ms at most. */
const SHED_BATCH = 200;

const SYSTEM = { username: 'system', role: 'system' } as const;

const MESSAGES: Record<StorageState, string> = {
  ok: 'storage ok',
  shedding_crops: 'storage low: deleting the oldest crops not under an evidence hold',
  crops_refused: 'storage low: new reads are stored without their crop',
  full: 'storage full: reads wait in memory and their hits go straight to MQTT',
};

/**
 * The low-space guard. Every storage.check_interval_s it measures free space (statfs, plus free
 * pages inside the database, which new reads reuse before the file grows) against the floor
 * (storage.min_free_mb / min_free_percent). Below it, it deletes the oldest crops not under an
 * evidence hold and not of a hit, in short audited batches, until free space is back a tenth
 * above the floor; with nothing left to delete, new reads are stored without their crop. The
 * read rows are always kept. The sink reports failed writes (`full`). One log line per change
 * of state, and listeners (the MQTT status) hear of each change.
 */
export class StorageGuard {
  private current: StorageState = 'ok';
  /** The state free space alone calls for (`current` is `full` over it while writes fail). */
  private lowState: StorageState = 'ok';
  private writesFailing = false;
  private free: number | null = null;
  private floor: number | null = null;
  private shed = 0;
  private shedAtEpisodeStart = 0;
  /** Crops shed without zeroing their pages (the disk had no room for it). */
  private shedUnzeroed = 0;
  private unzeroedAtEpisodeStart = 0;
  private cursor: CropCursor = CROP_CURSOR_START;
  private checking: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private stopCtl: AbortController | undefined;
  private lastProbeError = '';
  private readonly listeners = new Set<(s: StorageState) => void>();

  /** Stores its dependencies. */
  constructor(private readonly deps: StorageGuardDeps) {}

  /** Checks once (so the first read already knows the state), then every check_interval_s. */
  async start(signal: AbortSignal): Promise<void> {
    this.stopCtl = new AbortController();
    const stop = AbortSignal.any([signal, this.stopCtl.signal]);
    await this.check();
    this.loop = (async () => {
      while (!stop.aborted) {
        await this.deps.clock.sleep(this.deps.config.check_interval_s * 1000, stop);
        if (!stop.aborted) await this.check();
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopCtl?.abort();
    await this.loop;
    await this.checking;
  }

  get state(): StorageState {
    return this.current;
  }

  /**
   * Whether a new read may be stored with its crop: by free space alone, so a read written again
   * once space is back keeps its crop even before the state has left `full`.
   */
  cropsAllowed(): boolean {
    return cropsAllowed(this.lowState);
  }

  status(): StorageStatus {
    return { state: this.current, free_bytes: this.free, floor_bytes: this.floor, crops_shed: this.shed };
  }

  onChange(f: (s: StorageState) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** A read (or its hit) could not be written for want of storage. */
  noteWriteFailed(err: Error & { code?: string }): void {
    if (this.writesFailing) return;
    this.writesFailing = true;
    this.setState('full', { err: err.code ?? err.message });
  }

  /** A read was written: if writes had been failing, find out at once what state the disk is in. */
  noteWriteOk(): void {
    if (!this.writesFailing) return;
    this.writesFailing = false;
    void this.check();
  }

  /** Measures, sheds if needed, and settles the state. Concurrent calls share one run. */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    const crops = new CropStore(this.deps.db);
    const space = this.measure(crops);
    if (!space) return;
    let available = space.available;
    const floor = floorBytes(space.total, this.deps.config);
    this.floor = floor;
    this.free = available;
    const facts = (sheddable: boolean, writesFailing = false) => ({
      availableBytes: available,
      floorBytes: floor,
      sheddable,
      writesFailing,
    });
    // Shedding goes on while writes fail too: the room it makes is what lets them succeed again.
    let low = nextState(this.lowState, facts(true));
    let checkpointer: Checkpointer | undefined;
    try {
      while (low === 'shedding_crops') {
        const freed = this.shedStep(crops, resumeBytes(floor) - available);
        if (freed === null) {
          low = nextState(low, facts(false));
          break;
        }
        if (freed > 0) {
          if (!this.writesFailing) this.setState('shedding_crops', {});
          // The delete went to the WAL, which grew on disk by about what the crops held; copy it
          // back and empty it (off the event loop), or the room made is not room on the disk.
          checkpointer ??= checkpointerFor(this.deps.db);
          await checkpointer.checkpoint('TRUNCATE');
        }
        const now = this.measure(crops);
        if (now) available = now.available;
        this.free = available;
        low = nextState(low, facts(true));
        // Let ingest, MQTT and the API run between batches.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      await checkpointer?.close();
    }
    this.lowState = low;
    if (low === 'ok') this.cursor = CROP_CURSOR_START;
    this.setState(nextState(low, facts(low !== 'crops_refused', this.writesFailing)), {});
  }

  /**
   * Deletes one batch of the oldest sheddable crops (at most enough for `needBytes`). Returns the
   * bytes freed, 0 when the batch held only kept crops, or null when no crop is left to look at.
   */
  private shedStep(crops: CropStore, needBytes: number): number | null {
    const { db, clock, log } = this.deps;
    const batch = crops.oldestAfter(this.cursor, SHED_BATCH);
    if (batch.length === 0) return null;
    const holds = new HoldStore(db);
    const plan = pickCropsToShed(
      batch,
      {
        heldIds: holds.heldAmong(
          batch.map((c) => c.readId),
          clock.now(),
        ),
        ranges: holds.activeRanges(clock.now()),
      },
      needBytes,
    );
    if (plan.examined === 0) return 0;
    const last = batch[plan.examined - 1]!;
    if (plan.readIds.length > 0) {
      const shed = (zeroed: boolean) =>
        transactionsOn(db).immediate(() => {
          const n = crops.remove(plan.readIds);
          new AuditLog(db).append({
            at: clock.now(),
            ...SYSTEM,
            action: 'shed_crops',
            outcome: 'allowed',
            resultCount: n,
            detail: {
              reason: 'free space below storage floor',
              bytes: plan.bytes,
              oldest_read_at: batch[0]!.lastSeen,
              newest_read_at: last.lastSeen,
              kept_under_hold: plan.keptHeld,
              kept_of_hit: plan.keptHit,
              free_bytes: this.free,
              floor_bytes: this.floor,
              zeroed,
            },
          });
        });
      try {
        try {
          shed(true);
        } catch (err) {
          // Secure delete writes zeros over every freed page, which takes disk space the disk may
          // not have; then the crops go without it (their pages are the first the next reads reuse).
          if (!isStorageError(err)) throw err;
          log.debug({ err: (err as Error).message }, 'no room to zero the shed crops; shedding without');
          withoutZeroingFreedPages(db, () => shed(false));
          this.shedUnzeroed += plan.readIds.length;
        }
      } catch (err) {
        // Too full even to delete (the delete needs a little WAL space): try again at the next check.
        log.debug({ err: (err as Error).message }, 'crop shedding failed');
        return null;
      }
      this.shed += plan.readIds.length;
    }
    this.cursor = { lastSeen: last.lastSeen, rowid: last.rowid };
    return plan.bytes;
  }

  private measure(crops: CropStore): { available: number; total: number } | null {
    try {
      const s = (this.deps.probe ?? statfsProbe)(this.deps.config.path);
      this.lastProbeError = '';
      return { available: s.availableBytes + crops.freeBytes(), total: s.totalBytes };
    } catch (err) {
      const msg = (err as Error).message;
      if (msg !== this.lastProbeError) this.deps.log.warn({ err: msg }, 'cannot measure free space');
      this.lastProbeError = msg;
      return null;
    }
  }

  private setState(state: StorageState, extra: Record<string, unknown>): void {
    const previous = this.current;
    if (state === previous) return;
    this.current = state;
    if (state === 'shedding_crops') {
      this.shedAtEpisodeStart = this.shed;
      this.unzeroedAtEpisodeStart = this.shedUnzeroed;
    }
    const unzeroed = this.shedUnzeroed - this.unzeroedAtEpisodeStart;
    const fields = {
      storage: state,
      previous,
      free_bytes: this.free,
      floor_bytes: this.floor,
      ...(previous === 'shedding_crops' ? { crops_shed: this.shed - this.shedAtEpisodeStart } : {}),
      ...(previous === 'shedding_crops' && unzeroed > 0 ? { crops_shed_not_zeroed: unzeroed } : {}),
      ...extra,
    };
    if (state === 'ok') this.deps.log.info(fields, MESSAGES[state]);
    else if (state === 'full') this.deps.log.error(fields, MESSAGES[state]);
    else this.deps.log.warn(fields, MESSAGES[state]);
    for (const f of this.listeners) {
      try {
        f(state);
      } catch {
        /* a listener's failure must not stop the guard */
      }
    }
  }
}
