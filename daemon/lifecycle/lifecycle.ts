import type { Logger } from '../shared/logger.js';

/** Anything main.ts starts: constructors only store dependencies, then start(signal) and stop(). */
export interface Service {
  readonly name: string;
  start(signal: AbortSignal): Promise<void> | void;
  stop(): Promise<void> | void;
}

/**
 * Starts services in order and stops them in reverse. A stop failure is logged and the rest still
 * stop; an abort during start stops what already started.
 */
export class Lifecycle {
  private readonly started: Service[] = [];

  constructor(private readonly log: Logger) {}

  async start(services: Service[], signal: AbortSignal): Promise<void> {
    for (const s of services) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('start aborted');
      this.log.debug({ service: s.name }, 'starting');
      await s.start(signal);
      this.started.push(s);
    }
  }

  async stop(): Promise<void> {
    while (this.started.length) {
      const s = this.started.pop()!;
      try {
        await s.stop();
        this.log.debug({ service: s.name }, 'stopped');
      } catch (err) {
        this.log.error({ service: s.name, err: (err as Error).message }, 'stop failed; stopping the rest');
      }
    }
  }
}
