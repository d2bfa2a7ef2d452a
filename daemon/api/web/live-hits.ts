import type { PageAccess, PageHit } from '../../access/page-access.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { WebUnit } from '../web-contract.js';

/** One open event stream: it maps a hit for its user (bureau details or not) and writes it. */
export interface HitSubscriber {
  /** A new hit (`hit`) or a changed one (`hit_update`). */
  deliver(event: 'hit' | 'hit_update', hit: PageHit): void;
  /** The dispatch console: a unit's state, list staleness or position changed. */
  unit?(unit: WebUnit): void;
}

/**
 * Pushes hits to the page's open event streams as they are recorded. The daemon calls `notify()`
 * after a read's transaction commits (the port main.ts wires to the hit path); the hub then reads
 * the hits recorded since the last one it saw, so hits raised elsewhere (a list update's
 * retrospective hits) are found too, by a slow poll as a backstop.
 */
export class LiveHits {
  private lastRow = 0;
  private readonly subscribers = new Set<HitSubscriber>();
  private stopPoll: (() => void) | undefined;
  private pending = false;

  /** @param page the page's access to hits; @param clock times the backstop poll; @param pollMs its period. */
  constructor(
    private readonly page: PageAccess,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly pollMs = 1000,
  ) {}

  start(): void {
    this.lastRow = this.page.lastHitRow();
    this.stopPoll = this.clock.every(this.pollMs, () => this.check());
  }

  stop(): void {
    this.stopPoll?.();
    this.stopPoll = undefined;
    this.subscribers.clear();
  }

  /** New hits may have been committed: look at once (coalesced within one turn of the event loop). */
  notify(): void {
    if (this.pending || !this.stopPoll) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.check();
    });
  }

  /** A hit changed (disposition, verification): every stream gets it again as `hit_update`. */
  updated(hit: PageHit): void {
    for (const s of this.subscribers) this.safe(s, 'hit_update', hit);
  }

  /** The dispatch console: every stream gets the unit's new state as a `unit` event. */
  unitChanged(unit: WebUnit): void {
    for (const s of this.subscribers) {
      try {
        s.unit?.(unit);
      } catch (err) {
        this.log.warn({ err: (err as Error).message, event: 'unit' }, 'a page stream could not take a unit');
      }
    }
  }

  subscribe(s: HitSubscriber): () => void {
    // No stream was open, so no poll read the hits: catch up now, as a poll at this moment would.
    if (this.subscribers.size === 0) this.catchUp();
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  private catchUp(): void {
    try {
      this.lastRow = Math.max(this.lastRow, this.page.lastHitRow());
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not read new hits for the page');
    }
  }

  private check(): void {
    // Nobody to push to: skip the read. subscribe() catches up, so a stream gets the same hits,
    // and days of a ManualClock in a test do not cost a read per poll.
    if (this.subscribers.size === 0) return;
    let hits: PageHit[];
    try {
      hits = this.page.hitsForPush(this.lastRow);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not read new hits for the page');
      return;
    }
    for (const h of hits) {
      this.lastRow = Math.max(this.lastRow, h.row);
      for (const s of this.subscribers) this.safe(s, 'hit', h);
    }
  }

  private safe(s: HitSubscriber, event: 'hit' | 'hit_update', h: PageHit): void {
    try {
      s.deliver(event, h);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, event }, 'a page stream could not take a hit');
    }
  }
}
