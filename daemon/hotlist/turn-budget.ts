import { nextTurn } from '../shared/turns.js';

/**
 * Paces a long loop on the daemon's main thread by the time it has run, not only by a count:
 * `due()` is cheap enough to call for every item and turns true once `budgetMs` has passed since
 * the last turn (or after `maxItems` items), so a slice of work stays about `budgetMs` long
 * whatever an item costs on this machine. Wall time measured with performance.now(): this is
 * about how long the event loop waits, not about the time of day (which goes through Clock).
 */
export class TurnBudget {
  private last = performance.now();
  private items = 0;

  constructor(
    private readonly budgetMs = 5,
    private readonly maxItems = 10_000,
    /** How many items between looks at the time. */
    private readonly every = 128,
  ) {}

  due(): boolean {
    this.items++;
    if (this.items >= this.maxItems) return true;
    return this.items % this.every === 0 && performance.now() - this.last >= this.budgetMs;
  }

  /** Gives the event loop its turn and starts the next slice. */
  async turn(): Promise<void> {
    await nextTurn();
    this.items = 0;
    this.last = performance.now();
  }
}
