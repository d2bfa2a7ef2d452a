/**
 * Back-pressure between a camera and its (slower) analysis: a one-slot mailbox. While the
 * consumer is busy, the newest frame waits in the slot and any older unread frame is dropped and
 * counted, so memory stays bounded and analysis always works on the freshest picture (DESIGN:
 * "the oldest unread frames are dropped and counted, never queued without bound").
 */
export class FrameMailbox<T> {
  private slot: T | null = null;
  private busy = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  dropped = 0;
  delivered = 0;

  /**
   * @param consume awaited one item at a time.
   * @param onError a throwing consumer is reported here and the mailbox keeps going (STYLE 8).
   */
  constructor(
    private readonly consume: (item: T) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  put(item: T): void {
    if (this.closed) return;
    if (this.slot !== null) this.dropped++;
    this.slot = item;
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.slot !== null && !this.closed) {
      const item = this.slot;
      this.slot = null;
      try {
        await this.consume(item);
      } catch (err) {
        this.onError(err);
      }
      this.delivered++;
    }
    this.busy = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves once the consumer has nothing in hand and nothing waiting. */
  async drained(): Promise<void> {
    if (!this.busy && this.slot === null) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Stops accepting, discards a waiting frame and resolves once the frame in hand is finished. */
  async close(): Promise<void> {
    this.closed = true;
    this.slot = null;
    if (!this.busy) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }
}
