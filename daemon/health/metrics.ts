/**
 * The unit's figures in the Prometheus text format (prom-client), for `GET /metrics`: per camera
 * frames analysed and dropped (counters, and the rates since the previous scrape), reads, the
 * frame analysis time, hits by match kind, outbox depth, list age per source, broker connection,
 * disk free and live viewers. Everything but the analysis time and the hit counts is read from
 * the daemon's own state at scrape time through `MetricsSource`, so nothing is counted twice.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MatchKind } from '../hotlist/matcher.js';
import type { Clock } from '../shared/clock.js';
import type { FrameAnalyzer } from '../vision/ports.js';
import { RateMeter } from './rate-meter.js';

/** The port: what main.ts reads from the pipelines, frame sources, outbox, hotlists, broker and storage guard. */
export interface MetricsSource {
  cameras(): {
    id: string;
    framesAnalyzed: number;
    framesDropped: number;
    reads: number;
    connected: boolean;
  }[];
  /** Messages waiting in the outbox; null without one. */
  outboxDepth(): number | null;
  lists(): { source: string; ageS: number | null; stale: boolean }[];
  /** null when MQTT is off. */
  mqttConnected(): boolean | null;
  /** Free bytes where the unit stores its data; null before the first check. */
  diskFreeBytes(): number | null;
  liveViewers(): { cameraId: string; viewers: number }[];
}

const MATCH_KINDS: readonly MatchKind[] = ['exact', 'wildcard', 'lenient'];

export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly analysis: Histogram;
  private readonly hits: Counter<'match_kind'>;
  private readonly rates = new RateMeter();

  /** Registers the metrics in a registry of its own (no global state). */
  constructor(source: MetricsSource, clock: Clock) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'alpr_' });
    const src = source;
    const rates = this.rates;
    const now = (): number => clock.now();
    // Counters mirroring the pipelines' own totals: set at each scrape.
    new Counter({
      name: 'alpr_camera_frames_analyzed_total',
      help: 'Frames analysed (motion seen, plates looked for) since the daemon started.',
      labelNames: ['camera'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of src.cameras()) this.inc({ camera: c.id }, c.framesAnalyzed);
      },
    });
    new Counter({
      name: 'alpr_camera_frames_dropped_total',
      help: 'Frames dropped because analysis was busy (the newest frame wins) since the daemon started.',
      labelNames: ['camera'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of src.cameras()) this.inc({ camera: c.id }, c.framesDropped);
      },
    });
    new Gauge({
      name: 'alpr_camera_analyzed_fps',
      help: 'Frames analysed per second since the previous scrape.',
      labelNames: ['camera'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of src.cameras())
          this.set({ camera: c.id }, rates.rate(`analyzed:${c.id}`, c.framesAnalyzed, now()));
      },
    });
    new Gauge({
      name: 'alpr_camera_dropped_fps',
      help: 'Frames dropped per second since the previous scrape.',
      labelNames: ['camera'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of src.cameras())
          this.set({ camera: c.id }, rates.rate(`dropped:${c.id}`, c.framesDropped, now()));
      },
    });
    new Gauge({
      name: 'alpr_camera_connected',
      help: '1 while the camera stream delivers frames.',
      labelNames: ['camera'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of src.cameras()) this.set({ camera: c.id }, c.connected ? 1 : 0);
      },
    });
    new Counter({
      name: 'alpr_reads_total',
      help: 'Plate reads (one per vehicle pass) since the daemon started.',
      labelNames: ['camera'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of src.cameras()) this.inc({ camera: c.id }, c.reads);
      },
    });
    this.analysis = new Histogram({
      name: 'alpr_frame_analysis_ms',
      help: 'Time to detect and read the plates of one frame, waiting for the inference worker included (ms).',
      buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
      registers: [r],
    });
    this.hits = new Counter({
      name: 'alpr_hits_total',
      help: 'Hotlist hits since the daemon started, by match kind (exact, wildcard, lenient).',
      labelNames: ['match_kind'],
      registers: [r],
    });
    for (const k of MATCH_KINDS) this.hits.inc({ match_kind: k }, 0);
    new Gauge({
      name: 'alpr_outbox_depth',
      help: 'Messages (hits, reads) waiting in the outbox for the broker.',
      registers: [r],
      collect() {
        // NaN, not 0, while unknown: an alert on "0 waiting" or "0 bytes free" must not fire on it.
        this.set(src.outboxDepth() ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'alpr_hotlist_age_seconds',
      help: "Age of each list source's version in use (since its as-of time).",
      labelNames: ['source'],
      registers: [r],
      collect() {
        this.reset();
        for (const l of src.lists()) if (l.ageS !== null) this.set({ source: l.source }, l.ageS);
      },
    });
    new Gauge({
      name: 'alpr_hotlist_stale',
      help: '1 when the list source is older than hotlists.stale_after_h or has no version.',
      labelNames: ['source'],
      registers: [r],
      collect() {
        this.reset();
        for (const l of src.lists()) this.set({ source: l.source }, l.stale ? 1 : 0);
      },
    });
    // Whether MQTT is on is fixed at start: without it the series is left out, not shown as 0.
    if (src.mqttConnected() !== null)
      new Gauge({
        name: 'alpr_mqtt_connected',
        help: '1 while connected to the broker (absent when MQTT is off).',
        registers: [r],
        collect() {
          this.set(src.mqttConnected() ? 1 : 0);
        },
      });
    new Gauge({
      name: 'alpr_disk_free_bytes',
      help: 'Free space for the data (file system plus free pages in the database).',
      registers: [r],
      collect() {
        this.set(src.diskFreeBytes() ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'alpr_live_viewers',
      help: 'Sockets watching a camera live (its relay ffmpeg runs while this is above 0).',
      labelNames: ['camera'],
      registers: [r],
      collect() {
        this.reset();
        for (const v of src.liveViewers()) this.set({ camera: v.cameraId }, v.viewers);
      },
    });
  }

  /** Counts hits as the recorder announces them (HitRecorder.onAnnounce). */
  countHits(hits: readonly { match: { kind: MatchKind } }[]): void {
    for (const h of hits) this.hits.inc({ match_kind: h.match.kind });
  }

  /** The analyzer, each `analyze` call timed into alpr_frame_analysis_ms. */
  timed(analyzer: FrameAnalyzer): FrameAnalyzer {
    const histogram = this.analysis;
    return {
      analyze: async (image, roi) => {
        const t0 = performance.now();
        try {
          return await analyzer.analyze(image, roi);
        } finally {
          histogram.observe(performance.now() - t0);
        }
      },
      ...(analyzer.analyzeFrame ? { analyzeFrame: analyzer.analyzeFrame.bind(analyzer) } : {}),
      close: () => analyzer.close(),
    };
  }

  /** The scrape: Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
