import { createRequire } from 'node:module';
import type { Logger } from '../shared/logger.js';

interface UnixDgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb?: (err?: Error) => void): void;
  close(): void;
  on(event: 'error', cb: (err: Error) => void): void;
}

/**
 * systemd's notify protocol (Type=notify): READY=1 once started, WATCHDOG=1 at half of
 * WATCHDOG_USEC, STOPPING=1 on shutdown. A no-op without NOTIFY_SOCKET (tests, the demo).
 */
export class SdNotify {
  private socket: UnixDgramSocket | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly path: string | undefined;

  constructor(
    private readonly log: Logger,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const p = env.NOTIFY_SOCKET;
    // An abstract socket is written "@name" in the variable and "\0name" on the wire.
    this.path = p?.startsWith('@') ? `\0${p.slice(1)}` : p;
    const usec = Number(env.WATCHDOG_USEC);
    this.watchdogMs = Number.isFinite(usec) && usec > 0 ? usec / 1000 : 0;
  }

  readonly watchdogMs: number;

  get enabled(): boolean {
    return Boolean(this.path);
  }

  ready(status = 'reading plates'): void {
    this.send(`READY=1\nSTATUS=${status}`);
    if (this.watchdogMs > 0 && !this.watchdog) {
      // A raw timer, not the Clock: systemd's watchdog counts real time, whatever clock the services use.
      this.watchdog = setInterval(() => this.send('WATCHDOG=1'), this.watchdogMs / 2);
      this.watchdog.unref();
    }
  }

  status(text: string): void {
    this.send(`STATUS=${text}`);
  }

  stopping(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.send('STOPPING=1');
  }

  close(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.socket?.close();
    this.socket = null;
  }

  private send(message: string): void {
    if (!this.path) return;
    try {
      if (!this.socket) {
        const unix = createRequire(import.meta.url)('unix-dgram') as { createSocket(type: string): UnixDgramSocket };
        this.socket = unix.createSocket('unix_dgram');
        this.socket.on('error', (err) => this.log.warn({ err: err.message }, 'sd_notify socket error'));
      }
      const buf = Buffer.from(message);
      this.socket.send(buf, 0, buf.length, this.path, (err) => {
        if (err) this.log.warn({ err: err.message }, 'sd_notify send failed');
      });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'sd_notify unavailable');
    }
  }
}
