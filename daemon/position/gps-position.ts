import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { GpsConfig } from './config.js';
import type { Located } from './fix.js';
import { FixTrack } from './fix-track.js';
import { GpsdClient, type GpsdFeed } from './gpsd-client.js';
import type { GpsdReport } from './gpsd-protocol.js';

/** A system clock further than this from GPS time is a health warning: reads and audit entries would carry the wrong time. */
export const CLOCK_TOLERANCE_MS = 2000;
/** How many recent fixes the clock comparison looks at. */
const CLOCK_SAMPLES = 10;

/** GPS figures for the health topic. */
export interface GpsHealth {
  connected: boolean;
  fix: 'ok' | 'lost';
  mode: 'none' | '2d' | '3d';
  satellites_used: number | null;
  satellites_visible: number | null;
  last_fix_age_s: number | null;
  /** System clock minus GPS time, seconds (positive: the system clock is ahead). */
  clock_offset_s: number | null;
  clock_warning: boolean;
  malformed_lines: number;
}

/** GPS state for the retained status topic; changes only when the fix is lost or returns. */
export interface GpsStatus {
  fix: 'ok' | 'lost';
  since: string;
}

export interface GpsPositionDeps {
  config: GpsConfig;
  clock: Clock;
  log: Logger;
  /** Tests pass a scripted feed; the daemon connects to gpsd. */
  feed?: GpsdFeed;
}

/**
 * The patrol car's position: keeps gpsd's recent fixes and answers "where was the car at time t"
 * for each read (synchronously, from what has arrived; see FixTrack). Watches the fix and logs one
 * line, and tells its listeners once, when the fix is lost and when it returns (not once a
 * second), and compares GPS time with the system clock.
 */
export class GpsPosition {
  private readonly track = new FixTrack();
  private readonly feed: GpsdFeed;
  private readonly listeners = new Set<() => void>();
  private readonly offsets: number[] = [];
  private sky: { used: number | null; visible: number | null } = { used: null, visible: null };
  private lastMode = 0;
  private fixState: 'ok' | 'lost' = 'lost';
  private fixSince: number;
  private clockWarning = false;
  private unreachableLogged = false;
  private staleSince: number | undefined;
  private loop: Promise<void> | undefined;
  private stopCtl: AbortController | undefined;

  /** Stores its dependencies; no I/O until start(). */
  constructor(private readonly deps: GpsPositionDeps) {
    this.feed = deps.feed ?? new GpsdClient({ host: deps.config.host, port: deps.config.port, clock: deps.clock });
    this.fixSince = deps.clock.now();
  }

  /** Connects to gpsd in the background (never waits for it: reads go on without a fix) and starts watching the fix. */
  start(signal: AbortSignal): void {
    this.stopCtl = new AbortController();
    const stop = AbortSignal.any([signal, this.stopCtl.signal]);
    this.feed.start(
      {
        report: (r, at) => this.onReport(r, at),
        connected: () => this.onConnected(),
        disconnected: (was, reason) => this.onDisconnected(was, reason),
      },
      stop,
    );
    this.loop = this.watch(stop);
  }

  async stop(): Promise<void> {
    this.stopCtl?.abort(new Error('gps stopping'));
    await this.feed.stop();
    await this.loop;
  }

  /** Where the car was at `t` (epoch ms), or why that is not known. */
  locate(t: number): Located {
    return this.track.locate(t, this.deps.config.max_fix_age_s * 1000);
  }

  /** Called once each time the fix is lost or returns (for the retained status). Returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): GpsStatus {
    return { fix: this.fixState, since: new Date(this.fixSince).toISOString() };
  }

  health(): GpsHealth {
    const now = this.deps.clock.now();
    const latest = this.track.latest();
    const offset = this.clockOffsetMs();
    return {
      connected: this.feed.stats().connected,
      fix: this.fixState,
      mode: this.fixState === 'lost' ? 'none' : this.lastMode >= 3 ? '3d' : '2d',
      satellites_used: this.sky.used,
      satellites_visible: this.sky.visible,
      last_fix_age_s: latest ? Math.round((now - latest.time) / 100) / 10 : null,
      clock_offset_s: offset === null ? null : Math.round(offset / 100) / 10,
      clock_warning: this.clockWarning,
      malformed_lines: this.feed.stats().malformedLines,
    };
  }

  private onReport(r: GpsdReport, receivedAt: number): void {
    if (r.kind === 'sky') {
      this.sky = { used: r.used ?? this.sky.used, visible: r.visible ?? this.sky.visible };
      return;
    }
    if (r.kind !== 'tpv') return;
    this.lastMode = r.mode;
    if (r.fix) {
      this.track.add(r.fix);
      this.checkClock(receivedAt - r.fix.time);
    } else if (r.mode === 1) {
      // gpsd says the receiver has no fix (mode 0 means it has not decided yet).
      this.track.markNoFix(receivedAt);
    }
    this.evaluate(r.mode === 1);
  }

  private onConnected(): void {
    if (this.unreachableLogged) this.deps.log.info({}, 'connected to gpsd');
    this.unreachableLogged = false;
  }

  private onDisconnected(wasConnected: boolean, reason: string): void {
    this.track.markNoFix(this.deps.clock.now());
    // One line per outage; the client keeps retrying quietly.
    if (wasConnected) this.deps.log.warn({ reason }, 'lost the connection to gpsd; retrying');
    else if (!this.unreachableLogged)
      this.deps.log.warn(
        { host: this.deps.config.host, port: this.deps.config.port, reason },
        'cannot reach gpsd; reads are stored without a position until it answers',
      );
    this.unreachableLogged = true;
    this.evaluate(true);
  }

  /** Re-checks the fix every second, so a receiver that falls silent is noticed without a report. */
  private async watch(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      this.evaluate();
      await this.deps.clock.sleep(1000, stop);
    }
  }

  /**
   * Updates the fix state. gpsd going away or reporting no fix (`definite`) loses the fix at once;
   * a fix merely growing old must still be old at a check a second later. After the event loop
   * has been busy for a few seconds (a slow health probe), a timer can run before the fixes
   * waiting in the socket are read, and the fix would otherwise be "lost" for a moment.
   */
  private evaluate(definite = false): void {
    const now = this.deps.clock.now();
    const located = this.locate(now);
    const state = located.status === 'ok' ? 'ok' : 'lost';
    if (state === 'ok') this.staleSince = undefined;
    if (state === this.fixState) return;
    if (state === 'lost' && !definite) {
      this.staleSince ??= now;
      if (now - this.staleSince < 1000) return;
    }
    this.staleSince = undefined;
    this.fixState = state;
    this.fixSince = now;
    const latest = this.track.latest();
    if (state === 'ok')
      this.deps.log.info(
        { mode: located.position?.fixMode, satellites_used: this.sky.used, accuracy_m: located.position?.accuracyM },
        'GPS fix',
      );
    else
      this.deps.log.warn(
        {
          status: located.status,
          last_fix_age_s: latest ? Math.round((now - latest.time) / 1000) : null,
          gpsd_connected: this.feed.stats().connected,
        },
        'GPS fix lost; reads are stored without a position until it returns',
      );
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'GPS status listener failed');
      }
    }
  }

  /**
   * gpsd reports a fix shortly after its time, so (arrival - fix time) is the clock offset plus a
   * delivery delay that is never negative; the smallest of the last few is the best estimate.
   */
  private checkClock(sampleMs: number): void {
    this.offsets.push(sampleMs);
    if (this.offsets.length > CLOCK_SAMPLES) this.offsets.shift();
    const offset = this.clockOffsetMs()!;
    const warn = Math.abs(offset) > CLOCK_TOLERANCE_MS;
    if (warn === this.clockWarning) return;
    this.clockWarning = warn;
    const fields = { clock_offset_s: Math.round(offset / 100) / 10, tolerance_s: CLOCK_TOLERANCE_MS / 1000 };
    if (warn)
      this.deps.log.warn(
        fields,
        'system clock disagrees with GPS time; reads and audit entries carry the system time (check NTP / chrony)',
      );
    else this.deps.log.info(fields, 'system clock agrees with GPS time again');
  }

  private clockOffsetMs(): number | null {
    if (this.offsets.length === 0) return null;
    return Math.min(...this.offsets);
  }
}
