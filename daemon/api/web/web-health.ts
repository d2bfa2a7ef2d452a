import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CameraHealth, StorageHealth } from '../../alerts/payloads.js';
import type { EdgeConfig } from '../../config/schema.js';
import { systemProbe, type SystemSample } from '../../health/telemetry.js';
import type { ListStatus } from '../../hotlist/hotlist-service.js';
import type { GpsPosition } from '../../position/gps-position.js';
import type { Clock } from '../../shared/clock.js';
import type { WebHealth } from '../web-contract.js';

/** The built page, beside the sources (scripts/build-web.ts writes it). */
export const DEFAULT_WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'web');

/** What the page's health view reads from the running daemon. */
export interface WebHealthSources {
  cameraStats(): CameraHealth[];
  lists(): ListStatus[];
  outboxDepth(): number | null;
  broker(): { connected: boolean } | undefined;
  storage(): StorageHealth;
  gps: Pick<GpsPosition, 'health'> | undefined;
}

/** The unit's health as its page shows it, from the running daemon's figures and a system sample at most 5 s old. */
export function unitWebHealth(
  config: Pick<EdgeConfig, 'unit' | 'cameras' | 'storage' | 'health'>,
  sources: WebHealthSources,
  clock: Clock,
): () => Promise<WebHealth> {
  const names = new Map(config.cameras.map((c) => [c.id, c.name]));
  const unit = { id: config.unit.id, name: config.unit.name || config.unit.id };
  const diskPath = config.health.disk_path || config.storage.path;
  const startedAt = clock.now();
  let sample: { at: number; value: Promise<SystemSample> } | undefined;
  const system = (): Promise<SystemSample> => {
    // systeminformation takes a while; a page polling health gets a sample at most 5 s old.
    if (!sample || clock.now() - sample.at > 5000)
      sample = { at: clock.now(), value: systemProbe.sample(diskPath, true) };
    return sample.value;
  };
  const broker = { connected: false, since: null as string | null };
  const health = async (): Promise<WebHealth> => {
    const sys = await system();
    const b = sources.broker();
    if (b && b.connected !== broker.connected) {
      broker.connected = b.connected;
      broker.since = new Date(clock.now()).toISOString();
    }
    const gps = sources.gps?.health();
    const storage = sources.storage();
    return {
      unit,
      ts: new Date(clock.now()).toISOString(),
      uptime_s: Math.round((clock.now() - startedAt) / 1000),
      cameras: sources.cameraStats().map((c) => ({
        id: c.id,
        name: names.get(c.id) ?? c.id,
        connected: c.connected ?? null,
        fps: Math.max(0, c.fps),
        dropped_frames: c.dropped_frames,
      })),
      position: {
        mode: gps ? 'gps' : 'fixed',
        gps: gps
          ? {
              connected: gps.connected,
              fix: gps.fix,
              mode: gps.mode,
              satellites_used: gps.satellites_used,
              last_fix_age_s: gps.last_fix_age_s,
              clock_warning: gps.clock_warning,
            }
          : null,
      },
      disk: { path: diskPath, free_bytes: sys.diskFreeBytes, total_bytes: sys.diskTotalBytes },
      storage: { state: storage.state, crops_shed: storage.crops_shed, unstored_reads: storage.unstored_reads },
      lists: sources.lists(),
      outbox_depth: sources.outboxDepth(),
      broker: b ? broker : { connected: false, since: null },
      cpu: { load_pct: sys.cpuLoadPct, temp_c: sys.cpuTempC },
    };
  };
  return health;
}
