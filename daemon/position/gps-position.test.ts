import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import type { GpsdFeed, GpsdHandlers } from './gpsd-client.js';
import { GpsPosition } from './gps-position.js';

const T0 = Date.UTC(2026, 10, 28, 14);

/** Plays gpsd's side by hand. */
class ScriptedFeed implements GpsdFeed {
  h!: GpsdHandlers;
  connected = false;
  malformed = 0;
  start(handlers: GpsdHandlers): void {
    this.h = handlers;
  }
  async stop(): Promise<void> {}
  stats() {
    return { connected: this.connected, malformedLines: this.malformed };
  }
  /** A 3D fix made at `gpsTime`, arriving at `arrives` (system time). */
  fix(gpsTime: number, arrives: number, lat = 39.7422): void {
    this.h.report(
      {
        kind: 'tpv',
        mode: 3,
        fix: { time: gpsTime, lat, lon: -105.5136, accuracyM: 5, speedMps: 20, headingDeg: 90, mode: '3d' },
      },
      arrives,
    );
  }
}

function setup() {
  const clock = new ManualClock(T0);
  const logs: { level: string; msg: string; [k: string]: unknown }[] = [];
  const log = createLogger('debug', { write: (s: string) => void logs.push(JSON.parse(s)) });
  const feed = new ScriptedFeed();
  const gps = new GpsPosition({ config: { host: '127.0.0.1', port: 2947, max_fix_age_s: 3 }, clock, log, feed });
  const changes: string[] = [];
  gps.onChange(() => changes.push(gps.status().fix));
  gps.start(new AbortController().signal);
  feed.connected = true;
  feed.h.connected();
  /** Advances time by whole seconds, with a fix each second unless `silent`, as gpsd would. */
  const drive = async (seconds: number, opts: { silent?: boolean; lagMs?: number } = {}) => {
    for (let i = 0; i < seconds; i++) {
      clock.advance(1000);
      if (!opts.silent) feed.fix(clock.now() - (opts.lagMs ?? 300), clock.now());
      await Promise.resolve();
    }
  };
  const msgs = (re: RegExp) => logs.filter((l) => re.test(l.msg));
  return { clock, logs, feed, gps, changes, drive, msgs };
}

describe('the GPS position service', () => {
  it('logs and reports once when the fix is lost and once when it returns, not every second', async () => {
    const { gps, changes, drive, msgs } = setup();
    await drive(5);
    expect(gps.status().fix).toBe('ok');
    await drive(20, { silent: true });
    await drive(5);
    await drive(20, { silent: true });
    expect(changes).toEqual(['ok', 'lost', 'ok', 'lost']);
    expect(msgs(/^GPS fix lost/)).toHaveLength(2);
    expect(msgs(/^GPS fix$/)).toHaveLength(2);
    expect(gps.health()).toMatchObject({ fix: 'lost', mode: 'none', last_fix_age_s: 20.3 });
    await gps.stop();
  });

  it('does not report the fix lost when its reports were only held up by a busy moment', async () => {
    const { gps, feed, clock, changes, drive, msgs } = setup();
    await drive(3);
    // Six seconds pass without the event loop reading the socket; the timer runs first...
    clock.advance(6000);
    await Promise.resolve();
    await Promise.resolve();
    // ...then the six fixes waiting in the socket are read.
    for (let s = 5; s >= 0; s--) feed.fix(clock.now() - s * 1000 - 300, clock.now());
    await drive(3);
    expect(changes).toEqual(['ok']);
    expect(msgs(/^GPS fix lost/)).toHaveLength(0);
    expect(gps.status().fix).toBe('ok');
    await gps.stop();
  });

  it('gives reads no position from the moment gpsd goes away, and logs an unreachable gpsd once', async () => {
    const { gps, feed, clock, drive, msgs } = setup();
    await drive(5);
    expect(gps.locate(clock.now() - 500).status).toBe('ok');
    feed.connected = false;
    feed.h.disconnected(true, 'ECONNRESET');
    for (let i = 0; i < 10; i++) feed.h.disconnected(false, 'ECONNREFUSED');
    expect(gps.locate(clock.now() + 100)).toEqual({ position: null, status: 'no_fix' });
    expect(gps.status().fix).toBe('lost');
    expect(msgs(/gpsd/).map((l) => l.msg)).toEqual(['lost the connection to gpsd; retrying']);
    feed.connected = true;
    feed.h.connected();
    await drive(2);
    expect(msgs(/gpsd/).map((l) => l.msg)).toEqual(['lost the connection to gpsd; retrying', 'connected to gpsd']);
    expect(gps.status().fix).toBe('ok');
    await gps.stop();
  });

  it('warns once when the system clock is more than 2 s from GPS time, and once when it agrees again', async () => {
    const { gps, drive, msgs } = setup();
    await drive(5, { lagMs: 400 });
    expect(gps.health()).toMatchObject({ clock_offset_s: 0.4, clock_warning: false });
    // The system clock is now 3 s ahead of GPS time.
    await drive(12, { lagMs: 3400 });
    expect(gps.health()).toMatchObject({ clock_offset_s: 3.4, clock_warning: true });
    await drive(12, { lagMs: 300 });
    const clockLines = msgs(/clock/);
    expect(clockLines.map((l) => [l.level, l.clock_offset_s])).toEqual([
      ['warn', 3.4],
      ['info', 0.3],
    ]);
    await gps.stop();
  });

  it('reports fix mode, satellites, last fix age and unreadable lines for the health topic', async () => {
    const { gps, feed, drive } = setup();
    feed.h.report({ kind: 'sky', used: 9, visible: 11 }, T0);
    feed.malformed = 2;
    await drive(3);
    expect(gps.health()).toEqual({
      connected: true,
      fix: 'ok',
      mode: '3d',
      satellites_used: 9,
      satellites_visible: 11,
      last_fix_age_s: 0.3,
      clock_offset_s: 0.3,
      clock_warning: false,
      malformed_lines: 2,
    });
    await gps.stop();
  });
});
