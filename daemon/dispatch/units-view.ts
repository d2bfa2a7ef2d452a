import type { WebHealth, WebUnit } from '../api/web-contract.js';
import type { Service } from '../lifecycle/lifecycle.js';
import type { Clock } from '../shared/clock.js';
import type { DispatchUnitRow } from '../store/dispatch-store.js';
import type { DispatchConfig } from './config.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * How long a unit whose status says online may stay silent before it is shown offline: 1.5 x the
 * longer of its MQTT keepalive and its health interval. Its broker notices a dead link after 1.5 x
 * keepalive and publishes the last will; this covers a will that cannot reach the console.
 */
export function silenceLimitMs(units: DispatchConfig['units']): number {
  return 1.5 * Math.max(units.keepalive_s, units.health_interval_s) * 1000;
}

function lists(status: Record<string, unknown> | null): WebUnit['lists'] {
  const raw = Array.isArray(status?.hotlists) ? (status.hotlists as unknown[]) : [];
  return raw.flatMap((l) => {
    const o = obj(l);
    if (!o || typeof o.source !== 'string') return [];
    const age = num(o.age_s);
    return [
      {
        source: o.source,
        version: typeof o.version === 'string' ? o.version : null,
        entries: Math.max(0, Math.round(num(o.entries) ?? 0)),
        age_s: age === null ? null : Math.max(0, Math.round(age)),
        stale: o.stale === true,
      },
    ];
  });
}

/** A stored unit as the page shows it: its retained status, unless it has gone silent. */
export function toWebUnit(row: DispatchUnitRow, names: Record<string, string>, limitMs: number, now: number): WebUnit {
  const silent = row.state === 'online' && now - row.lastSeen > limitMs;
  const l = lists(row.status);
  const gps = obj(row.status?.gps);
  const fix = gps?.fix === 'ok' || gps?.fix === 'lost' ? gps.fix : null;
  const storage = typeof row.status?.storage === 'string' ? row.status.storage : null;
  return {
    id: row.id,
    name: names[row.id] ?? row.id,
    state: silent ? 'offline' : row.state,
    since: silent ? iso(row.lastSeen + limitMs) : row.since === null ? null : iso(row.since),
    last_seen: iso(row.lastSeen),
    lists_stale: row.status?.hotlists_stale === true || l.some((x) => x.stale),
    lists: l,
    storage,
    gps_fix: fix,
    position: row.position,
  };
}

/** A unit's newest health message as the page's health view shows it. */
export function toWebHealth(row: DispatchUnitRow, names: Record<string, string>): WebHealth {
  const h = row.health ?? {};
  const cams = Array.isArray(h.cameras) ? (h.cameras as unknown[]) : [];
  const disk = obj(h.disk);
  const storage = obj(h.storage);
  const gps = obj(h.gps);
  const cpu = obj(h.cpu);
  const mode = gps?.mode === '2d' || gps?.mode === '3d' ? gps.mode : 'none';
  return {
    unit: { id: row.id, name: names[row.id] ?? row.id },
    ts: typeof h.ts === 'string' ? h.ts : iso(row.lastSeen),
    uptime_s: num(h.uptime_s),
    cameras: cams.flatMap((c) => {
      const o = obj(c);
      if (!o || typeof o.id !== 'string') return [];
      return [
        {
          id: o.id,
          name: o.id,
          connected: typeof o.connected === 'boolean' ? o.connected : null,
          fps: Math.max(0, num(o.fps) ?? 0),
          dropped_frames: Math.max(0, Math.round(num(o.dropped_frames) ?? 0)),
        },
      ];
    }),
    position: {
      mode: gps ? 'gps' : 'fixed',
      gps: gps
        ? {
            connected: gps.connected === true,
            fix: gps.fix === 'ok' ? 'ok' : 'lost',
            mode,
            satellites_used: num(gps.satellites_used),
            last_fix_age_s: num(gps.last_fix_age_s),
            clock_warning: gps.clock_warning === true,
          }
        : null,
    },
    disk: {
      path: typeof disk?.path === 'string' ? disk.path : '',
      free_bytes: num(disk?.free_bytes),
      total_bytes: num(disk?.total_bytes),
    },
    storage: storage
      ? {
          state: typeof storage.state === 'string' ? storage.state : 'ok',
          crops_shed: Math.round(num(storage.crops_shed) ?? 0),
          unstored_reads: Math.round(num(storage.unstored_reads) ?? 0),
        }
      : null,
    lists: lists(row.status),
    outbox_depth: num(h.outbox_depth) === null ? null : Math.max(0, Math.round(num(h.outbox_depth)!)),
    broker: {
      connected: row.state === 'online',
      since: row.since === null ? null : iso(row.since),
    },
    cpu: { load_pct: num(cpu?.load_pct), temp_c: num(cpu?.temp_c) },
  };
}

/**
 * Tells the page when a unit changes: at once for a message, and every second for a unit that
 * went silent (no message marks that moment). Sends only what differs from the last it sent.
 */
export class UnitWatch implements Service {
  readonly name = 'unit watch';
  private readonly sent = new Map<string, string>();
  private stopTimer: (() => void) | undefined;

  constructor(
    private readonly deps: {
      clock: Clock;
      units(): WebUnit[];
      publish(u: WebUnit): void;
    },
  ) {}

  start(): void {
    for (const u of this.deps.units()) this.sent.set(u.id, JSON.stringify(u));
    this.stopTimer = this.deps.clock.every(1000, () => this.check());
  }

  stop(): void {
    this.stopTimer?.();
  }

  /** Looks for changes now (a message arrived). */
  check(): void {
    for (const u of this.deps.units()) {
      const key = JSON.stringify(u);
      if (this.sent.get(u.id) === key) continue;
      this.sent.set(u.id, key);
      this.deps.publish(u);
    }
  }
}
