import type { EdgeConfig } from './config/schema.js';
import type { Db } from './store/database.js';
import { HitStore } from './store/hits.js';
import { hotlistStore } from './store/hotlist-store.js';
import type { Clock } from './shared/clock.js';
import type { Logger } from './shared/logger.js';
import { HealthReporter } from './health/health-reporter.js';
import type { CameraStatsSource, SystemProbe } from './health/telemetry.js';
import { ActiveLists } from './hotlist/active-list.js';
import type { ListFetcher } from './hotlist/fetch.js';
import { HitDecider } from './hotlist/hit-decider.js';
import { HotlistService } from './hotlist/hotlist-service.js';
import type { Service } from './lifecycle/lifecycle.js';
import { HitRecorder } from './alerts/hit-recorder.js';
import { MqttPublisher } from './alerts/mqtt-publisher.js';
import { Outbox } from './alerts/outbox.js';
import type { StorageHealth } from './alerts/payloads.js';
import { topicsFor } from './alerts/topics.js';
import type { GpsPosition } from './position/gps-position.js';

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
  /** Loads and refreshes the lists (SIGHUP: `syncNow()`), and says how current they are. */
  readonly hotlists: HotlistService;
  /**
   * The pipeline's `onRead` (inside the read's transaction) and `announce` (after it committed);
   * the lists' retrospective hits come here too.
   */
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
}

/**
 * The delivery part of the composition root (main.ts's buildDaemon calls it; so do the tests that
 * run this wiring): builds the hotlist, hit, MQTT and health parts from the unit config and wires
 * them to each other. hotlist/ decides which reads hit, alerts/ records and delivers them; they
 * meet here: the lists in use, retrospective hits into the recorder, list changes into the
 * retained status. Construction does no I/O; main.ts starts and stops `services` with the rest
 * of the daemon.
 */
export function composeHitDelivery(deps: HitDeliveryDeps): HitDelivery {
  const { config, db, clock, log } = deps;
  const topics = topicsFor(config.mqtt.topic_prefix, config.unit.id);
  const outbox = new Outbox(db);
  const names = new Map(config.cameras.map((c) => [c.id, c.name]));
  // The decider reads the lists the service puts in use; the recorder records what it decides,
  // the service's retrospective hits included.
  const lists = new ActiveLists();
  const decider = new HitDecider({
    lists,
    history: new HitStore(db),
    clock,
    repeatWindowMs: config.hotlists.repeat_window_s * 1000,
  });
  const recorder = new HitRecorder({
    db,
    decider,
    outbox,
    topics,
    unitId: config.unit.id,
    clock,
    log: log.child({ component: 'hits' }),
    staleAfterMs: config.hotlists.stale_after_h * 3_600_000,
    includeCrop: config.mqtt.include_crop,
    publishReads: config.mqtt.enabled && config.mqtt.publish_reads,
    cameraName: (id) => names.get(id) ?? id,
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

  return { hotlists, recorder, outbox, publisher, health, services };
}
