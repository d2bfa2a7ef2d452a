/**
 * Keeps one ffmpeg alive for one camera: spawn, watch frames and exit, kill on a stall, restart
 * with capped exponential backoff. All decisions come from the pure `decide` (supervisor-policy);
 * this class only does the I/O it asks for, with time from the injected Clock (STYLE 9, 10).
 */
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { stripCredentials } from '../shared/redact.js';
import type { ChildHandle, ProcessSpawner } from './process-port.js';
import { StderrTail } from './stderr-tail.js';
import {
  decide,
  initialState,
  type Health,
  type Phase,
  type SupervisorPolicy,
  type SupervisorState,
} from './supervisor-policy.js';

export { decide, backoffMs, initialState } from './supervisor-policy.js';
export type { SupervisorPolicy, SupervisorState, Health, Decision, Action } from './supervisor-policy.js';

export interface SupervisorDeps {
  spawner: ProcessSpawner;
  clock: Clock;
  log: Logger;
  command: string;
  args: readonly string[];
  policy: SupervisorPolicy;
  /** SIGTERM, then SIGKILL after this long. */
  stopGraceMs?: number;
  /**
   * Called at every spawn; returns the stdout handler for that run, which reports how many
   * complete frames a chunk finished (a fresh handler per run drops a dead run's partial frame).
   */
  onSpawn(): (chunk: Buffer) => number;
  /** A play-once file source reached its end (policy.restartOnCleanExit false). */
  onFinished?(): void;
}

export interface SupervisorStats {
  phase: Phase | 'stopped';
  /** Processes started after the first. */
  restarts: number;
  /** Failed runs since the last healthy one. */
  failures: number;
  connected: boolean;
  lastFrameAt: number | null;
  lastExit: string | null;
}

interface Run {
  handle: ChildHandle;
  exit: { code: number | null; signal: string | null } | null;
  exited: Promise<void>;
  lastFrameAt: number | null;
}

export class FfmpegSupervisor {
  private state: SupervisorState | null = null;
  private run: Run | null = null;
  private lastFrameAt: number | null = null;
  private stopping = false;
  private wake: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private readonly tail = new StderrTail(100);

  /** Stores dependencies only; nothing runs before `start`. */
  constructor(private readonly deps: SupervisorDeps) {}

  /** Starts supervising in the background; returns at once. Stops when `signal` aborts or on `stop()`. */
  start(signal?: AbortSignal): void {
    if (this.loop) return;
    this.stopping = false;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.loop = this.supervise().catch((err: unknown) => {
      // decide() is pure and total; reaching here is a bug, but it must not take the daemon down.
      this.deps.log.error({ err }, 'camera supervisor crashed');
    });
  }

  /** Ends supervision: the loop exits, ffmpeg gets SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<void> {
    // Idempotent: the abort signal and main.ts may both ask; both wait for the same ending.
    this.stopped ??= (async () => {
      this.stopping = true;
      this.wake?.abort();
      await this.loop;
      const run = this.run;
      this.run = null;
      if (run && !run.exit) await this.terminate(run);
    })();
    return this.stopped;
  }

  stats(): SupervisorStats {
    const s = this.state;
    return {
      phase: this.stopping || !s ? 'stopped' : s.phase,
      restarts: s ? Math.max(0, s.spawns - 1) : 0,
      failures: s?.failures ?? 0,
      connected: !!this.run && !this.run.exit && this.run.lastFrameAt !== null,
      lastFrameAt: this.lastFrameAt,
      lastExit: s?.lastExit ?? null,
    };
  }

  /** The last stderr lines (current and previous runs, separated by markers), credentials stripped. */
  stderrTail(): string[] {
    return this.tail.snapshot();
  }

  private health(): Health {
    const r = this.run;
    if (!r) return { alive: false, lastFrameAt: null };
    return { alive: r.exit === null, lastFrameAt: r.lastFrameAt, exit: r.exit ?? undefined };
  }

  private async supervise(): Promise<void> {
    const { clock, policy, log } = this.deps;
    this.state = initialState(clock.now());
    while (!this.stopping) {
      // Armed before acting, so an exit that happens during spawn/kill still cuts the sleep short.
      this.wake = new AbortController();
      const now = clock.now();
      const d = decide(this.state, this.health(), now, policy);
      this.state = d.state;
      if (d.ended) {
        this.run = null;
        if (d.state.phase !== 'finished') this.logEnd(d.ended.reason, d.ended.retryInMs);
      }
      if (d.action.kind === 'spawn') this.spawn();
      else if (d.action.kind === 'kill' && this.run) {
        log.warn(
          { reason: d.action.reason, stall_timeout_ms: policy.stallTimeoutMs },
          'camera stream stalled; restarting ffmpeg',
        );
        void this.terminate(this.run);
      }
      if (this.state.phase === 'finished') {
        log.info({ last_frame_at: this.lastFrameAt }, 'file source finished');
        this.deps.onFinished?.();
        return;
      }
      await clock.sleep(Math.max(0, d.wakeAt - now), this.wake.signal);
    }
  }

  private spawn(): void {
    const { spawner, command, args, log, clock } = this.deps;
    this.tail.mark(`ffmpeg run ${this.state?.spawns ?? 0}`);
    const onData = this.deps.onSpawn();
    let resolveExit!: () => void;
    const exited = new Promise<void>((r) => (resolveExit = r));
    const handle = spawner.spawn(command, args);
    const run: Run = { handle, exit: null, exited, lastFrameAt: null };
    this.run = run;
    log.info(
      { pid: handle.pid, attempt: this.state?.spawns, args: stripCredentials(args.join(' ')) },
      'ffmpeg started',
    );
    handle.onStderr((chunk) => this.tail.push(chunk));
    handle.onStdout((chunk) => {
      if (run.exit) return;
      if (onData(chunk) > 0) {
        const t = clock.now();
        if (run.lastFrameAt === null) log.info({ pid: handle.pid }, 'camera connected: first frame');
        run.lastFrameAt = t;
        this.lastFrameAt = t;
      }
    });
    handle.onExit((code, signal) => {
      run.exit = { code, signal };
      resolveExit();
      if (this.run === run) this.wake?.abort();
    });
  }

  private async terminate(run: Run): Promise<void> {
    const { clock } = this.deps;
    run.handle.kill('SIGTERM');
    const grace = new AbortController();
    const timedOut = await Promise.race([
      run.exited.then(() => false),
      clock.sleep(this.deps.stopGraceMs ?? 3000, grace.signal).then(() => true),
    ]);
    grace.abort();
    if (timedOut && !run.exit) {
      this.deps.log.warn({ pid: run.handle.pid }, 'ffmpeg ignored SIGTERM; sending SIGKILL');
      run.handle.kill('SIGKILL');
      await run.exited;
    }
  }

  /**
   * A dead camera would otherwise print 100 stderr lines every backoff period for days: the full
   * tail goes out on the first failure of a streak and on powers of two; the rest get the last line.
   */
  private logEnd(reason: string, retryInMs: number): void {
    const s = this.state!;
    const lines = this.tail.snapshot(true);
    const full = (s.failures & (s.failures - 1)) === 0;
    this.deps.log.warn(
      {
        reason,
        failures: s.failures,
        restarts: Math.max(0, s.spawns - 1),
        retry_in_ms: retryInMs,
        stderr: full ? lines : lines.slice(-1),
      },
      'ffmpeg ended',
    );
  }
}
