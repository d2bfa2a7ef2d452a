import { join } from 'node:path';
import { loadConfigFile, processSecrets } from './config/load.js';
import { manifestModelCatalog } from './config/model-catalog.js';
import type { EdgeConfig } from './config/schema.js';
import { ConfigError, ModelError, EXIT_CONFIG } from './shared/errors.js';
import { createLogger, type Logger } from './shared/logger.js';
import { systemClock, type Clock } from './shared/clock.js';
import { stripCredentials } from './shared/redact.js';
import { Lifecycle, type Service } from './lifecycle/lifecycle.js';
import { installSignalHandlers } from './lifecycle/shutdown.js';
import { SdNotify } from './lifecycle/sd-notify.js';
import { openDatabase, type Db } from './store/database.js';
import { ReadStore } from './store/reads.js';
import { transactionsOn } from './store/transactions.js';
import { CameraPipeline } from './pipeline/camera-pipeline.js';
import { StoringReadSink } from './pipeline/store-sink.js';
import { readRule } from './pipeline/read-rule.js';
import { FfmpegFrameSource } from './camera/ffmpeg-frame-source.js';
import type { FrameSource } from './camera/frame-source.js';
import { createFrameAnalyzer } from './vision/analyzer-factory.js';
import { defaultModelsDir, loadManifest } from './vision/manifest.js';
import { loadSyntax } from './vision/model-registry.js';
import type { FrameAnalyzer } from './vision/ports.js';
import { composeHitDelivery, type HitDelivery } from './compose-delivery.js';
import { RateMeter } from './health/rate-meter.js';
import { StorageGuard } from './storage/storage-guard.js';
import { UnstoredReads } from './storage/unstored-reads.js';
import { RetentionJob } from './retention/retention-job.js';
import { GpsPosition } from './position/gps-position.js';
import { cameraLocated, PositionStampingSink } from './position/position-sink.js';
import { AuditLog, type AuditKey, useAuditKey } from './store/audit-log.js';
import { requireAuditKey } from './audit/audit-key.js';
import { AuditHeadPublisher } from './audit/head-publisher.js';
import { topicsFor } from './alerts/topics.js';
import { ApiServer } from './api/server.js';
import type { HotlistService } from './hotlist/hotlist-service.js';
import { SessionTable } from './api/sessions.js';
import { FrameTap } from './live/frame-tap.js';
import { LiveViews } from './live/live-views.js';
import { DaemonMetrics } from './health/metrics.js';
import { MetricsServer } from './health/metrics-server.js';
import { composeWebServer } from './compose-web.js';
import { composeAccess, type AccessParts } from './compose-access.js';
import type { WebServer } from './api/web/web-server.js';

export const DEFAULT_CONFIG = '/etc/alpr-edge/config.yaml';

/** How long a daemon that failed to start waits for what did start to stop, before it exits anyway. */
const FAILED_START_STOP_MS = 10_000;

/** What the daemon is made of, for main and for tests that run a whole unit in-process. */
export interface Daemon {
  services: Service[];
  db: Db;
  pipelines: Map<string, CameraPipeline>;
  sources: Map<string, FrameSource>;
  delivery: HitDelivery;
  /** The low-space guard (state for status and health; crops refused when low). */
  storage: StorageGuard;
  /** Reads that could not be stored, waiting in memory (their hits sent straight to MQTT). */
  unstored: UnstoredReads;
  /** The local API (the one door to the data for people and programs). */
  api: ApiServer;
  /**
   * Live views of the cameras, for the page's routes: liveStart → start(camera, user, purpose),
   * liveEnd → end(live_id, user.id), the server's 'upgrade' event → upgrade(req, socket, head,
   * user.id), GET /api/web/live/:live_id/frame → frame(live_id, user.id).
   */
  liveViews: LiveViews;
  /** The Prometheus figures (served on metrics.listen when set). */
  metrics: DaemonMetrics;
  metricsServer: MetricsServer | undefined;
  /** The in-car page, when web.listen is set. */
  web: WebServer | undefined;
  /** SIGHUP: refresh hotlists. */
  reload(): void;
}

export interface DaemonDeps {
  log: Logger;
  clock: Clock;
  /** Tests may pass a fake analyzer; the daemon builds the configured models. */
  analyzer?: FrameAnalyzer;
  /** Tests may pass the audit key; the daemon reads it (requireAuditKey) and refuses to start without one. */
  auditKey?: AuditKey;
}

/** Builds every room from the config (constructors only; nothing runs until start). */
export async function buildDaemon(config: EdgeConfig, deps: DaemonDeps): Promise<Daemon> {
  const { log, clock } = deps;
  // Before anything else: without the key the audit log cannot be trusted, so refuse to start.
  const auditKey = deps.auditKey ?? requireAuditKey(config.access.audit_key_file);
  const analyzer =
    deps.analyzer ??
    (await createFrameAnalyzer(config.vision, log.child({ component: 'vision' }), config.pipeline.min_confidence));
  // The reader's plate-shape prior also says which all-digit reads could be plates.
  const syntax = loadSyntax(
    await loadManifest(config.vision.models_dir || defaultModelsDir()),
    config.vision.plate_syntax,
  );
  const rule = readRule(config.pipeline.single_frame_confidence, syntax ?? null);
  const db = openDatabase(join(config.storage.path, 'alpr-edge.db'));
  useAuditKey(db, auditKey);
  const reads = new ReadStore(db);
  const storage = new StorageGuard({ db, config: config.storage, clock, log: log.child({ component: 'storage' }) });
  let unstoredCount = (): number => 0;
  const pipelines = new Map<string, CameraPipeline>();
  const sources = new Map<string, FrameSource>();
  const fps = new RateMeter();
  // A patrol car locates each read by gpsd; a fixed unit by its camera's configured coordinates.
  const gps =
    config.unit.mobile && config.gps
      ? new GpsPosition({ config: config.gps, clock, log: log.child({ component: 'gps' }) })
      : undefined;
  const cameraStats = () =>
    [...pipelines].map(([id, p]) => {
      const src = sources.get(id)?.stats();
      return {
        id,
        fps: fps.rate(id, p.stats.framesAnalyzed, clock.now()),
        dropped_frames: src?.framesDropped ?? 0,
        connected: src?.connected ?? false,
      };
    });
  const delivery = composeHitDelivery({
    config,
    db,
    clock,
    log,
    gps,
    cameraStats,
    storage: () => ({ ...storage.status(), unstored_reads: unstoredCount() }),
  });
  // One audited path for every door: the socket API, the page and the live views.
  const people = composeAccess(config, { db, clock });
  const frames = new FrameTap(clock);
  const liveViews = new LiveViews({
    cameras: config.cameras,
    access: people.access,
    frames,
    clock,
    log: log.child({ component: 'live' }),
  });
  // The in-car page: new hits reach its live stream through `web.live.notify()` below.
  const web = composeWebServer(config, {
    liveViews,
    people,
    clock,
    log,
    sources: {
      cameraStats,
      lists: () => delivery.hotlists.listStatus(),
      outboxDepth: () => delivery.outbox.depth(),
      broker: () => delivery.publisher,
      storage: () => ({ ...storage.status(), unstored_reads: unstoredCount() }),
      gps,
    },
  });
  const readLog = log.child({ component: 'reads' });
  const unstored = new UnstoredReads({
    tx: transactionsOn(db),
    reads,
    recorder: delivery.recorder,
    notifyOutbox: () => delivery.outbox.notify(),
    publisher: delivery.publisher,
    guard: storage,
    clock,
    log: readLog,
    maxReads: config.storage.unstored_max_reads,
    retryMs: config.storage.check_interval_s * 1000,
    stopWaitMs: config.mqtt.stop_drain_s * 1000,
  });
  unstoredCount = () => unstored.size;
  storage.onChange(() => delivery.publisher?.refreshStatus());
  // Each read is matched against the hotlists inside its own transaction (hit + outbox row too);
  // a read that cannot be stored goes to memory, its hits straight to the broker.
  const store = new StoringReadSink(transactionsOn(db), reads, clock, readLog, {
    logPlates: config.logging.log_plates,
    hits: {
      onStored: (read, camera) => delivery.recorder.onRead(read, camera),
      onCommitted: (hits, camera) => {
        delivery.recorder.announce(hits, camera.id);
        if (hits.length) web?.live.notify();
      },
    },
    unstored,
    storage,
  });
  const sink = new PositionStampingSink(store, gps ? (t) => gps.locate(t) : (_t, camera) => cameraLocated(camera));
  const auditHead = new AuditHeadPublisher({
    db,
    clock,
    log: log.child({ component: 'audit' }),
    unitId: config.unit.id,
    topic: topicsFor(config.mqtt.topic_prefix, config.unit.id).audit,
    publisher: delivery.publisher,
    intervalS: config.audit.head_interval_s,
  });
  // The 21-day purge (424.4): a run at start, then every retention.interval_minutes.
  const retention = new RetentionJob({
    db,
    clock,
    config: config.retention,
    auditRetentionDays: config.access.audit_retention_days,
    log,
  });
  const api = buildApiServer(config, { db, clock, log, hotlists: delivery.hotlists, people });
  const metrics = new DaemonMetrics(
    {
      cameras: () =>
        [...pipelines].map(([id, p]) => {
          const src = sources.get(id)?.stats();
          const { framesAnalyzed, reads } = p.stats;
          return { id, framesAnalyzed, reads, framesDropped: src?.framesDropped ?? 0, connected: !!src?.connected };
        }),
      outboxDepth: () => delivery.outbox.depth(),
      lists: () => delivery.hotlists.status().sources.map((s) => ({ source: s.id, ageS: s.age_s, stale: s.stale })),
      mqttConnected: () => (delivery.publisher ? delivery.publisher.connected : null),
      diskFreeBytes: () => storage.status().free_bytes,
      liveViewers: () => liveViews.relayStats(),
    },
    clock,
  );
  delivery.recorder.onAnnounce((hits) => metrics.countHits(hits));
  // Retrospective hits (a new list version matched against stored reads) reach the page at once too.
  delivery.recorder.onAnnounce((hits) => {
    if (hits.length) web?.live.notify();
  });
  const timedAnalyzer = metrics.timed(analyzer);
  const metricsServer = config.metrics.listen
    ? new MetricsServer(config.metrics.listen, metrics, log.child({ component: 'metrics' }))
    : undefined;
  const services: Service[] = [];
  for (const camera of config.cameras.filter((c) => c.enabled)) {
    const clog = log.child({ component: 'camera', camera: camera.id });
    const pipeline = new CameraPipeline(
      camera,
      config.pipeline,
      timedAnalyzer,
      sink,
      clock,
      clog.child({ component: 'pipeline' }),
      rule,
    );
    const source = new FfmpegFrameSource(camera, { log, clock });
    pipelines.set(camera.id, pipeline);
    sources.set(camera.id, source);
    services.push({
      name: `camera ${camera.id}`,
      start: (signal) => {
        pipeline.start();
        return source.start(frames.tap(pipeline.onFrame), signal);
      },
      // Stop the stream first, then finalise the vehicles in view so their reads are stored.
      stop: async () => {
        await source.stop();
        await pipeline.stop();
      },
    });
  }

  return {
    // Stopped in reverse: the API first (no new requests), then the cameras (the vehicle in view is finalised, its read and hit
    // stored), then reads waiting in memory get a last write, then MQTT sends what the outbox
    // holds; the database closes last, as every other service may still write while it stops.
    services: [
      {
        name: 'database',
        start: () => {},
        stop: () => {
          db.close();
        },
      },
      { name: 'vision', start: () => {}, stop: () => analyzer.close() },
      { name: 'retention', start: (signal) => retention.start(signal), stop: () => retention.stop() },
      ...delivery.services,
      {
        name: 'audit head',
        start: (signal) => {
          new AuditLog(db).markKeyInstalled(clock.now());
          auditHead.start(signal);
        },
        stop: () => auditHead.stop(),
      },
      {
        name: 'storage',
        start: async (signal) => {
          await storage.start(signal);
          unstored.start(signal);
        },
        stop: async () => {
          await unstored.stop();
          await storage.stop();
        },
      },
      ...(gps ? [{ name: 'gps', start: (signal: AbortSignal) => gps.start(signal), stop: () => gps.stop() }] : []),
      ...services,
      liveViews.service,
      ...(metricsServer ? [metricsServer] : []),
      // Last to start, first to stop: no request is taken before the data is ready or after it closes.
      api,
      ...(web ? [web] : []),
    ],
    db,
    api,
    liveViews,
    metrics,
    metricsServer,
    web,
    pipelines,
    sources,
    delivery,
    storage,
    unstored,
    reload: () => void delivery.hotlists.syncNow(),
  };
}

/**
 * The local API over the daemon's own database and clock: every person's access runs here, so the
 * times in the audit log are the daemon's, whatever the client's clock says. Tests that drive
 * the API in-process build it with this too.
 */
export function buildApiServer(
  config: Pick<EdgeConfig, 'api' | 'access' | 'unit' | 'storage' | 'evidence' | 'retention'>,
  deps: { db: Db; clock: Clock; log: Logger; hotlists?: HotlistService | undefined; people?: AccessParts },
): ApiServer {
  const { db, clock, log } = deps;
  const people = deps.people ?? composeAccess(config, { db, clock });
  return new ApiServer({
    config: config.api,
    log: log.child({ component: 'api' }),
    db,
    clock,
    access: people.access,
    authenticator: people.authenticator,
    sessions: new SessionTable(clock, config.access.session_minutes),
    users: people.users,
    bootstrap: people.bootstrap,
    accessConfig: config.access,
    unitId: config.unit.id,
    agency: config.unit.agency,
    hotlists: deps.hotlists,
    unitKey: {
      file: config.evidence?.unit_key_file,
      stateDir: config.storage.path,
      credentialsDir: process.env.CREDENTIALS_DIRECTORY,
    },
  });
}

/**
 * `alpr-edge [run] [--config FILE]`: the service's main. `deps.analyzer` lets a test process run
 * the whole daemon, signals included, with a fake analyzer.
 */
export async function runDaemon(args: string[], deps: Pick<DaemonDeps, 'analyzer'> = {}): Promise<void> {
  const file = configPathFrom(args);
  let config: EdgeConfig;
  try {
    config = loadConfigFile(file, processSecrets, { models: manifestModelCatalog });
  } catch (err) {
    // loadConfigFile throws only ConfigError; anything else is still a config that cannot run, not a crash to restart into.
    const problems =
      err instanceof ConfigError ? err.problems : [`${file}:1: cannot load the config: ${(err as Error).message}`];
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.stderr.write(
      `alpr-edge: refusing to start with an invalid config (fix it, then: alpr-edge check-config ${file})\n`,
    );
    process.exit(EXIT_CONFIG);
  }

  const log = createLogger(config.logging.level, undefined, { logPlates: config.logging.log_plates });
  const clock = systemClock;
  const sd = new SdNotify(log.child({ component: 'systemd' }));
  const lifecycle = new Lifecycle(log.child({ component: 'lifecycle' }));
  const abort = new AbortController();
  let daemon: Daemon | undefined;

  const stop = async (reason: string): Promise<void> => {
    sd.stopping();
    abort.abort(new Error(`stopping: ${reason}`));
    await lifecycle.stop();
    sd.close();
    log.info('stopped');
    log.flush();
  };
  installSignalHandlers({ log, deadlineMs: 20_000, stop, onReload: () => daemon?.reload() });

  try {
    daemon = await buildDaemon(config, { log, clock, ...deps });
    await lifecycle.start(daemon.services, abort.signal);
  } catch (err) {
    const e = err as Error;
    log.fatal({ err: stripCredentials(e.message) }, 'could not start');
    // A config problem (such as a missing audit key) also goes to stderr, in plain words.
    if (e instanceof ConfigError) for (const p of e.problems) process.stderr.write(`alpr-edge: ${p}\n`);
    // Stop what did start, but never hang on it: a daemon that could not start exits either way.
    // A raw timer, not the Clock, so this safety net holds even with a faked clock.
    const stopped = await Promise.race([
      lifecycle.stop().then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), FAILED_START_STOP_MS).unref()),
    ]);
    if (!stopped) log.warn({ after_ms: FAILED_START_STOP_MS }, 'services still stopping after a failed start; exiting');
    log.flush();
    // A wrong model file or config cannot be fixed by restarting: exit 78 so systemd stops trying.
    process.exit(e instanceof ModelError || e instanceof ConfigError ? EXIT_CONFIG : 1);
  }
  log.info(
    {
      unit: config.unit.id,
      cameras: [...daemon.sources.keys()],
      detector: config.vision.detector,
      reader: config.vision.reader,
    },
    'alpr-edge started',
  );
  sd.ready();
}

function configPathFrom(args: string[]): string {
  const i = args.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (i < 0) return process.env.ALPR_EDGE_CONFIG ?? DEFAULT_CONFIG;
  const a = args[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : (args[i + 1] ?? DEFAULT_CONFIG);
}
