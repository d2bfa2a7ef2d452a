import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { VolatilePublisher } from '../alerts/mqtt-publisher.js';
import { buildHealthPayload, type StorageHealth } from '../alerts/payloads.js';
import type { HealthConfig } from './config.js';
import type { GpsHealth } from '../position/gps-position.js';
import { healthInput, systemProbe, type CameraStatsSource, type SystemProbe } from './telemetry.js';

export interface HealthReporterDeps {
  config: HealthConfig;
  unitId: string;
  /** The file system to report free space for (health.disk_path or storage.path). */
  diskPath: string;
  /** Topic `<prefix>/<unit>/health` (topicsFor(...).health). */
  topic: string;
  publisher: VolatilePublisher;
  cameraStats: CameraStatsSource;
  /** Outbox.depth; null-returning when there is no outbox. */
  outboxDepth: () => number | null;
  /** The low-space guard's state and the reads waiting in memory. */
  storage?: () => StorageHealth;
  clock: Clock;
  log: Logger;
  probe?: SystemProbe;
  /** A patrol car's GPS figures (GpsPosition.health); absent on a fixed unit. */
  gps?: () => GpsHealth;
}

/**
 * Publishes a telemetry sample every health.interval_s (QoS 0, not queued: an old sample is no
 * use once the link is back). A failing probe is logged and the loop goes on.
 */
export class HealthReporter {
  private loop: Promise<void> | undefined;
  private stopCtl: AbortController | undefined;
  private readonly startedAt: number;

  /** Stores its dependencies. */
  constructor(private readonly deps: HealthReporterDeps) {
    this.startedAt = deps.clock.now();
  }

  async start(signal: AbortSignal): Promise<void> {
    this.stopCtl = new AbortController();
    this.loop = this.run(AbortSignal.any([signal, this.stopCtl.signal]));
  }

  async stop(): Promise<void> {
    this.stopCtl?.abort(new Error('health reporter stopping'));
    await this.loop;
  }

  /** One sample as the JSON that goes on the topic. */
  async sample(): Promise<string> {
    const d = this.deps;
    const now = d.clock.now();
    const sys = await (d.probe ?? systemProbe).sample(d.diskPath, d.config.temperature);
    let cameras: ReturnType<CameraStatsSource> = [];
    try {
      cameras = d.cameraStats();
    } catch (err) {
      d.log.warn({ err: (err as Error).message }, 'camera stats callback failed');
    }
    let depth: number | null = null;
    try {
      depth = d.outboxDepth();
    } catch {
      depth = null;
    }
    let storage: StorageHealth | undefined;
    try {
      storage = d.storage?.();
    } catch {
      storage = undefined;
    }
    return JSON.stringify(
      buildHealthPayload({
        ...healthInput(d.unitId, now, (now - this.startedAt) / 1000, sys, d.diskPath, cameras, depth),
        storage,
        gps: d.gps?.(),
      }),
    );
  }

  private async run(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      try {
        const payload = await this.sample();
        if (!stop.aborted && !this.deps.publisher.publishVolatile(this.deps.topic, payload, 0)) {
          this.deps.log.debug({}, 'health sample dropped: broker not connected');
        }
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'health sample failed');
      }
      await this.deps.clock.sleep(this.deps.config.interval_s * 1000, stop);
    }
  }
}
