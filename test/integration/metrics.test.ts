/**
 * GET /metrics of a unit built as main.ts builds it (buildDaemon, its services started, the
 * metrics server on a loopback port from the config), with a fake analyzer feeding the real
 * pipeline, store, hotlist matcher and outbox: a scrape names every figure and counts a pass.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../daemon/config/load.js';
import { Lifecycle } from '../../daemon/lifecycle/lifecycle.js';
import { buildDaemon, type Daemon } from '../../daemon/main.js';
import { plate } from '../../daemon/pipeline/test-helpers.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import type { AnalyzedPlate, FrameAnalyzer } from '../../daemon/vision/ports.js';
import { freePort } from '../helpers/gpsfake.js';

/** One sample's value from the text format, by its series (name and labels as printed). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics of a unit', () => {
  let work: string;
  let lifecycle: Lifecycle;
  let daemon: Daemon;
  let url: string;
  let scene: AnalyzedPlate[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'alpr-metrics-'));
    const list = join(work, 'hotlist.csv');
    writeFileSync(
      list,
      'plate,state,category,reason,source,nic,entered,expires,priority,notes\nHOT1001,,stolen_vehicle,Stolen,CBI,V1,2026-01-01,,1,\n',
    );
    const port = await freePort();
    const auditKey = join(work, 'audit-key');
    writeFileSync(auditKey, randomBytes(32), { mode: 0o400 });
    const config = parseConfigText(
      [
        'unit: { id: unit9 }',
        `storage: { path: ${work} }`,
        `api: { socket: ${work}/api.sock }`,
        `access: { audit_key_file: ${auditKey} }`,
        'cameras: [{ id: front, name: Front, url: "rtsp://127.0.0.1:9/none", location: { text: US-6 MP 262, lat: 39.74, lon: -105.51 } }]',
        'pipeline: { motion_threshold: 0 }',
        `hotlists: { sources: [{ id: cbi, format: csv, file: ${list} }] }`,
        `metrics: { listen: "127.0.0.1:${port}" }`,
        '',
      ].join('\n'),
      'unit.yaml',
      { get: () => undefined },
    );
    const analyzer: FrameAnalyzer = { analyze: async () => scene, close: async () => {} };
    daemon = await buildDaemon(config, { log: silentLogger(), clock: systemClock, analyzer });
    lifecycle = new Lifecycle(silentLogger());
    // Every service but the camera's ffmpeg: the test hands the pipeline its frames.
    await lifecycle.start(
      daemon.services.filter((s) => !s.name.startsWith('camera ')),
      new AbortController().signal,
    );
    await daemon.delivery.hotlists.syncNow();
    url = `http://127.0.0.1:${port}/metrics`;
  }, 30_000);

  afterAll(async () => {
    await lifecycle?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('serves every figure in the text format and counts a vehicle pass with its hit', async () => {
    const pipeline = daemon.pipelines.get('front')!;
    pipeline.start();
    scene = [plate('HOT1001', 0.98, { x: 100, y: 80, w: 120, h: 40 })];
    for (let seq = 0; seq < 3; seq++) {
      const data = randomBytes(320 * 240 * 3);
      await pipeline.onFrame({ cameraId: 'front', seq, ts: Date.now(), width: 320, height: 240, data });
    }
    scene = [];
    await pipeline.stop();

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'alpr_camera_frames_analyzed_total',
      'alpr_camera_frames_dropped_total',
      'alpr_camera_analyzed_fps',
      'alpr_camera_dropped_fps',
      'alpr_camera_connected',
      'alpr_reads_total',
      'alpr_frame_analysis_ms',
      'alpr_hits_total',
      'alpr_outbox_depth',
      'alpr_hotlist_age_seconds',
      'alpr_hotlist_stale',
      'alpr_disk_free_bytes',
      'alpr_live_viewers',
      'alpr_process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'alpr_camera_frames_analyzed_total{camera="front"}')).toBe(3);
    expect(sample(text, 'alpr_camera_frames_dropped_total{camera="front"}')).toBe(0);
    expect(sample(text, 'alpr_reads_total{camera="front"}')).toBe(1);
    expect(sample(text, 'alpr_frame_analysis_ms_count')).toBe(3);
    expect(sample(text, 'alpr_hits_total{match_kind="exact"}')).toBe(1);
    expect(sample(text, 'alpr_hits_total{match_kind="wildcard"}')).toBe(0);
    expect(sample(text, 'alpr_hits_total{match_kind="lenient"}')).toBe(0);
    // MQTT is off in this unit: the hit waits in the outbox, and there is no broker state to report.
    expect(sample(text, 'alpr_outbox_depth')).toBe(1);
    expect(text).not.toMatch(/^alpr_mqtt_connected /m);
    expect(sample(text, 'alpr_hotlist_stale{source="cbi"}')).toBe(0);
    // The list's version was made moments ago: its age is a number of seconds, 0 or a little more.
    expect(sample(text, 'alpr_hotlist_age_seconds{source="cbi"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'alpr_disk_free_bytes')).toBeGreaterThan(0);

    expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  }, 30_000);
});
