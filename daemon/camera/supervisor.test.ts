import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { FfmpegSupervisor } from './supervisor.js';
import { FakeSpawner, settle } from './testing/fake-process.js';

interface LogLine {
  level: string;
  msg: string;
  [k: string]: unknown;
}

function setup(frameSize = 4) {
  const clock = new ManualClock(1_000_000);
  const spawner = new FakeSpawner();
  const logs: LogLine[] = [];
  const log = createLogger('debug', { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  const sup = new FfmpegSupervisor({
    spawner,
    clock,
    log,
    command: '/usr/bin/ffmpeg',
    args: ['-rtsp_transport', 'tcp', '-i', 'rtsp://admin:hunter2@10.0.0.5/stream'],
    policy: {
      stallTimeoutMs: 20_000,
      backoffInitialMs: 1_000,
      backoffMaxMs: 8_000,
      healthyAfterMs: 30_000,
      restartOnCleanExit: true,
    },
    stopGraceMs: 3_000,
    onSpawn: () => (chunk) => Math.floor(chunk.length / frameSize),
  });
  const step = async (ms: number) => {
    clock.advance(ms);
    await settle();
    await settle();
  };
  return { clock, spawner, logs, sup, step };
}

describe('FfmpegSupervisor with a fake process and fake time', () => {
  test('restarts ffmpeg after it exits, waiting longer after each failure', async () => {
    const { spawner, sup, step } = setup();
    sup.start();
    await settle();
    expect(spawner.children).toHaveLength(1);
    spawner.last.exit(1);
    await settle();
    await step(999);
    expect(spawner.children).toHaveLength(1);
    await step(1);
    expect(spawner.children).toHaveLength(2);
    spawner.last.exit(1);
    await settle();
    await step(1999);
    expect(spawner.children).toHaveLength(2);
    await step(1);
    expect(spawner.children).toHaveLength(3);
    expect(sup.stats()).toMatchObject({ restarts: 2, failures: 2, connected: false });
    await sup.stop();
  });

  test('reports connected and the last frame time while frames flow', async () => {
    const { clock, spawner, sup } = setup();
    sup.start();
    await settle();
    spawner.last.stdout(Buffer.alloc(8));
    expect(sup.stats()).toMatchObject({ connected: true, lastFrameAt: clock.now(), restarts: 0 });
    await sup.stop();
    expect(sup.stats().phase).toBe('stopped');
  });

  test('kills a stalled stream and starts a new one after the backoff', async () => {
    const { spawner, sup, step, logs } = setup();
    sup.start();
    await settle();
    spawner.last.stdout(Buffer.alloc(4));
    await step(19_999);
    expect(spawner.last.signals).toEqual([]);
    await step(1);
    expect(spawner.children[0]!.signals).toEqual(['SIGTERM']);
    await step(1000);
    expect(spawner.children).toHaveLength(2);
    expect(logs.some((l) => l.msg.includes('stalled') && l.reason === 'stall')).toBe(true);
    expect(sup.stats().lastExit).toBe('stall');
    await sup.stop();
  });

  test('partial output that never completes a frame counts as a stall', async () => {
    const { spawner, sup, step } = setup(100);
    sup.start();
    await settle();
    spawner.last.stdout(Buffer.alloc(50));
    await step(20_000);
    expect(spawner.children[0]!.signals).toEqual(['SIGTERM']);
    expect(sup.stats().connected).toBe(false);
    await sup.stop();
  });

  test('stop sends SIGTERM, waits the grace period, then SIGKILL', async () => {
    const { spawner, sup, step } = setup();
    spawner.dieOn = ['SIGKILL'];
    sup.start();
    await settle();
    const stopped = sup.stop();
    await settle();
    expect(spawner.last.signals).toEqual(['SIGTERM']);
    await step(2_999);
    expect(spawner.last.signals).toEqual(['SIGTERM']);
    await step(1);
    await stopped;
    expect(spawner.last.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(spawner.children).toHaveLength(1);
  });

  test('logs the stderr tail without credentials when ffmpeg dies', async () => {
    const { spawner, sup, logs } = setup();
    sup.start();
    await settle();
    spawner.last.stderr('[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized\n');
    spawner.last.stderr('rtsp://admin:hunter2@10.0.0.5/stream: Server returned 401 Unauthorized\n');
    spawner.last.exit(1);
    await settle();
    const ended = logs.find((l) => l.msg === 'ffmpeg ended');
    expect(ended).toBeDefined();
    expect(ended!.stderr).toEqual([
      '[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized',
      'rtsp://***:***@10.0.0.5/stream: Server returned 401 Unauthorized',
    ]);
    expect(JSON.stringify(logs)).not.toContain('hunter2');
    await sup.stop();
  });

  test('stop while waiting out a backoff spawns nothing more', async () => {
    const { spawner, sup, step } = setup();
    sup.start();
    await settle();
    spawner.last.exit(1);
    await settle();
    await sup.stop();
    await step(60_000);
    expect(spawner.children).toHaveLength(1);
  });

  test('an aborted signal stops supervision', async () => {
    const { spawner, sup } = setup();
    const ac = new AbortController();
    sup.start(ac.signal);
    await settle();
    ac.abort();
    await sup.stop();
    expect(spawner.last.signals).toEqual(['SIGTERM']);
  });
});
