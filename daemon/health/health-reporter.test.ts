import { ManualClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { HealthReporter } from './health-reporter.js';
import { systemProbe, type SystemProbe } from './telemetry.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('health reporter', () => {
  it('publishes telemetry with camera stats and outbox depth every interval, and survives a failing probe', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 28));
    const sent: { topic: string; body: Record<string, unknown> }[] = [];
    let fail = false;
    const probe: SystemProbe = {
      sample: async () => {
        if (fail) throw new Error('sensor gone');
        return {
          cpuLoadPct: 37.5,
          cpuTempC: 61.2,
          memTotalBytes: 8e9,
          memAvailableBytes: 5e9,
          diskFreeBytes: 2e10,
          diskTotalBytes: 6e10,
        };
      },
    };
    let depth = 0;
    const reporter = new HealthReporter({
      config: { interval_s: 60, disk_path: '', temperature: true },
      unitId: 'unit7',
      diskPath: '/var/lib/alpr-edge',
      topic: 'alpr/unit7/health',
      publisher: {
        publishVolatile: (topic, payload) => {
          sent.push({ topic, body: JSON.parse(payload) });
          return true;
        },
      },
      cameraStats: () => [{ id: 'front', fps: 5, dropped_frames: depth * 10 }],
      outboxDepth: () => depth,
      clock,
      log: silentLogger(),
      probe,
    });
    await reporter.start(new AbortController().signal);
    await flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      topic: 'alpr/unit7/health',
      body: {
        cpu: { load_pct: 37.5, temp_c: 61.2 },
        cameras: [{ id: 'front', fps: 5, dropped_frames: 0 }],
        outbox_depth: 0,
      },
    });
    fail = true;
    clock.advance(60_000);
    await flush();
    expect(sent).toHaveLength(1);
    fail = false;
    depth = 4;
    clock.advance(60_000);
    await flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toMatchObject({ outbox_depth: 4, cameras: [{ dropped_frames: 40 }], uptime_s: 120 });
    await reporter.stop();
  });

  it('reads real CPU, memory and disk figures from systeminformation', async () => {
    const s = await systemProbe.sample('/tmp', false);
    expect(s.memTotalBytes).toBeGreaterThan(0);
    expect(s.diskTotalBytes).toBeGreaterThan(0);
    expect(s.cpuLoadPct).not.toBeNull();
    expect(s.cpuTempC).toBeNull();
  });
});

describe('rate meter', () => {
  it('turns a cumulative frame counter into frames per second between samples', async () => {
    const { RateMeter } = await import('./rate-meter.js');
    const m = new RateMeter();
    expect(m.rate('front', 100, 0)).toBe(0);
    expect(m.rate('front', 400, 60_000)).toBe(5);
    expect(m.rate('front', 10, 120_000)).toBe(0);
  });
});
