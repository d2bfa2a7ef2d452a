import { connect, type Socket } from 'node:net';
import type { Clock } from '../shared/clock.js';
import { LineSplitter, parseGpsdLine, WATCH_COMMAND, type GpsdReport } from './gpsd-protocol.js';

/** What a gpsd connection tells its owner. Handlers run on the event loop and must not throw. */
export interface GpsdHandlers {
  /** One parsed report; `receivedAt` is the system time its line arrived. */
  report(report: GpsdReport, receivedAt: number): void;
  connected(): void;
  /** The connection closed or could not be made; `wasConnected` tells the two apart. */
  disconnected(wasConnected: boolean, reason: string): void;
}

/** The port GpsPosition reads fixes through (GpsdClient here, a scripted feed in tests). */
export interface GpsdFeed {
  /** Connects in the background and keeps reconnecting until `signal` aborts or stop() is called. */
  start(handlers: GpsdHandlers, signal: AbortSignal): void;
  stop(): Promise<void>;
  stats(): { connected: boolean; malformedLines: number };
}

export interface GpsdClientOptions {
  host: string;
  port: number;
  clock: Clock;
  /** First reconnect delay; doubles after each failed attempt up to backoffMaxMs. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

/**
 * A gpsd client over TCP (gpsd's JSON protocol; see gpsd-protocol.ts). Watches with
 * `?WATCH={"enable":true,"json":true}`, frames the stream by lines, counts and skips lines that are
 * not JSON objects, and reconnects with backoff (0.5 s doubling to 5 s: gpsd is local, so a retry
 * is cheap and the fix should come back soon after gpsd does). Written here rather than taken
 * from npm: the maintained clients there are untyped, do not back off, and the protocol part
 * needed is a few dozen lines.
 */
export class GpsdClient implements GpsdFeed {
  private socket: Socket | undefined;
  private loop: Promise<void> | undefined;
  private stopCtl: AbortController | undefined;
  private malformed = 0;
  private isConnected = false;

  /** Stores its options; no I/O until start(). */
  constructor(private readonly options: GpsdClientOptions) {}

  start(handlers: GpsdHandlers, signal: AbortSignal): void {
    this.stopCtl = new AbortController();
    this.loop = this.run(handlers, AbortSignal.any([signal, this.stopCtl.signal]));
  }

  async stop(): Promise<void> {
    this.stopCtl?.abort(new Error('gpsd client stopping'));
    this.socket?.destroy();
    await this.loop;
  }

  stats(): { connected: boolean; malformedLines: number } {
    return { connected: this.isConnected, malformedLines: this.malformed };
  }

  private async run(handlers: GpsdHandlers, signal: AbortSignal): Promise<void> {
    const initial = this.options.backoffInitialMs ?? 500;
    const max = this.options.backoffMaxMs ?? 5000;
    let delay = initial;
    while (!signal.aborted) {
      const gotReports = await this.connectOnce(handlers, signal);
      if (signal.aborted) break;
      // A connection that delivered reports was healthy: start the backoff over.
      if (gotReports) delay = initial;
      await this.options.clock.sleep(delay, signal);
      delay = Math.min(delay * 2, max);
    }
  }

  /** One connection, from connect to close; resolves whether any report arrived. */
  private connectOnce(handlers: GpsdHandlers, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.options.host, port: this.options.port });
      this.socket = socket;
      const lines = new LineSplitter();
      let gotReports = false;
      let wasConnected = false;
      let reason = 'connection closed by gpsd';
      const onAbort = (): void => {
        socket.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.setEncoding('utf8');
      socket.on('connect', () => {
        wasConnected = true;
        this.isConnected = true;
        socket.write(WATCH_COMMAND);
        handlers.connected();
      });
      socket.on('data', (chunk: string) => {
        const now = this.options.clock.now();
        const { lines: got, overlong } = lines.push(chunk);
        this.malformed += overlong;
        for (const line of got) {
          const report = parseGpsdLine(line);
          if (!report) {
            this.malformed++;
            continue;
          }
          gotReports = true;
          handlers.report(report, now);
        }
      });
      socket.on('error', (err) => {
        reason = err.message;
      });
      socket.on('close', () => {
        signal.removeEventListener('abort', onAbort);
        this.isConnected = false;
        if (this.socket === socket) this.socket = undefined;
        if (!signal.aborted) handlers.disconnected(wasConnected, reason);
        resolve(gotReports);
      });
    });
  }
}
