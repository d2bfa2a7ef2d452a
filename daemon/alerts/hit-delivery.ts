import type { EdgeConfig } from '../config/schema.js';
import { isStorageError, type Db } from '../store/database.js';
import { hotlistStore } from '../store/hotlist-store.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { HealthReporter } from '../health/health-reporter.js';
import type { CameraStatsSource, SystemProbe } from '../health/telemetry.js';
import { HitRecorder, type CameraInfo, type ReadForMatching, type RecordedHit } from '../hotlist/hit-recorder.js';
import { ActiveLists } from '../hotlist/active-list.js';
import { HotlistService, type HotlistStatus } from '../hotlist/hotlist-service.js';
import type { Service } from '../lifecycle/lifecycle.js';
import type { ListFetcher } from '../hotlist/fetch.js';
import { MqttPublisher } from './mqtt-publisher.js';
import { Outbox } from './outbox.js';
import type { StorageHealth } from './payloads.js';
import { topicsFor } from './topics.js';
import type { GpsPosition } from '../position/gps-position.js';

export interface HitDeliveryDeps {
  config: EdgeConfig;
  db: Db;
  clock: Clock;
  log: Logger;
  /** Per-camera fps and dropped frames for the health topic (from the pipeline). */
  cameraStats: CameraStatsSource;
  /** The low-space guard and the reads waiting in memory, for the status and health messages. */
  storage?: () => StorageHealth;
  /** A patrol car's GPS: its fix state rides on the status message and its figures on health. */
  gps?: Pick<GpsPosition, 'status' | 'health' | 'onChange'> | undefined;
  /** Tests only. */
  fetchers?: Record<string, ListFetcher>;
  probe?: SystemProbe;
}

/** Hotlists, hit recording, the outbox, MQTT delivery and health, as main.ts uses them. */
export interface HitDelivery {
  readonly hotlists: HotlistService;
  readonly recorder: HitRecorder;
  readonly outbox: Outbox;
  /** Undefined when mqtt.enabled is false (hits then wait in the outbox, bounded by the retention purge). */
  readonly publisher: MqttPublisher | undefined;
  readonly health: HealthReporter | undefined;
  /**
   * Its services, in start order, for main.ts's lifecycle: hotlists (cached lists in use at once),
   * then the MQTT publisher and health reporter when MQTT is enabled.
   */
  readonly services: Service[];
  /**
   * The pipeline calls this inside the read's transaction; fast (µs) when nothing matches. A
   * storage error is thrown on, so the read and its hits go to the in-memory path together.
   */
  onRead(read: ReadForMatching, camera?: CameraInfo): RecordedHit[];
  /** After the read's transaction committed: logs its hits. */
  announce(hits: RecordedHit[], cameraId: string): void;
  /** SIGHUP. */
  syncNow(): Promise<void>;
  status(): HotlistStatus;
}

/**
 * Builds the hotlist, hit, MQTT and health parts from the unit config and wires them to each
 * other (the lists in use, retro-hits through the recorder, list changes into the retained
 * status). Construction does no I/O; main.ts starts and stops `services` with the rest of the daemon.
 */
export function createHitDelivery(deps: HitDeliveryDeps): HitDelivery {
  const { config, db, clock, log } = deps;
  const topics = topicsFor(config.mqtt.topic_prefix, config.unit.id);
  const outbox = new Outbox(db);
  const names = new Map(config.cameras.map((c) => [c.id, c.name]));
  // The recorder reads the lists the service puts in use, and raises the service's retrospective hits.
  const lists = new ActiveLists();
  const recorder = new HitRecorder({
    db,
    lists,
    outbox,
    topics,
    unitId: config.unit.id,
    clock,
    log: log.child({ component: 'hits' }),
    staleAfterMs: config.hotlists.stale_after_h * 3_600_000,
    includeCrop: config.mqtt.include_crop,
    publishReads: config.mqtt.enabled && config.mqtt.publish_reads,
    cameraName: (id) => names.get(id) ?? id,
    repeatWindowMs: config.hotlists.repeat_window_s * 1000,
  });
  const hotlists = new HotlistService({
    store: hotlistStore(db),
    lists,
    retroHits: recorder,
    config: config.hotlists,
    storagePath: config.storage.path,
    clock,
    log: log.child({ component: 'hotlist' }),
    ...(deps.fetchers ? { fetchers: deps.fetchers } : {}),
  });
  const publisher = config.mqtt.enabled
    ? new MqttPublisher({
        config: config.mqtt,
        unitId: config.unit.id,
        topics,
        outbox,
        clock,
        log: log.child({ component: 'mqtt' }),
        listStatus: () => hotlists.listStatus(),
        ...(deps.storage ? { storageState: () => deps.storage!().state } : {}),
        ...(deps.gps ? { gpsStatus: () => deps.gps!.status() } : {}),
      })
    : undefined;
  const health = publisher
    ? new HealthReporter({
        config: config.health,
        unitId: config.unit.id,
        diskPath: config.health.disk_path || config.storage.path,
        topic: topics.health,
        publisher,
        cameraStats: deps.cameraStats,
        outboxDepth: () => outbox.depth(),
        ...(deps.storage ? { storage: deps.storage } : {}),
        clock,
        log: log.child({ component: 'health' }),
        ...(deps.probe ? { probe: deps.probe } : {}),
        ...(deps.gps ? { gps: () => deps.gps!.health() } : {}),
      })
    : undefined;
  // List changes and GPS fix changes refresh the retained status message.
  if (publisher) {
    hotlists.onChange(() => publisher.refreshStatus());
    deps.gps?.onChange(() => publisher.refreshStatus());
  }
  const services: Service[] = [
    { name: 'hotlists', start: (signal) => hotlists.start(signal), stop: () => hotlists.stop() },
    ...(publisher
      ? [{ name: 'mqtt', start: (signal: AbortSignal) => publisher.start(signal), stop: () => publisher.stop() }]
      : []),
    ...(health
      ? [{ name: 'health', start: (signal: AbortSignal) => health.start(signal), stop: () => health.stop() }]
      : []),
  ];

  return {
    hotlists,
    recorder,
    outbox,
    publisher,
    health,
    services,
    onRead(read, camera) {
      try {
        return recorder.onRead(read, camera);
      } catch (err) {
        // The disk, not the data: the read cannot be stored either, and both go the in-memory way.
        if (isStorageError(err)) throw err;
        // Called inside the pipeline's read transaction: a throw would roll the read back too.
        // Keeping the read (evidence, retention, later retro-matching) matters more; say so loudly.
        log.error(
          { component: 'hits', read: read.id, err: (err as Error).message },
          'hit recording failed; the read is kept',
        );
        return [];
      }
    },
    announce: (hits, cameraId) => recorder.announce(hits, cameraId),
    syncNow: () => hotlists.syncNow(),
    status: () => hotlists.status(),
  };
}
