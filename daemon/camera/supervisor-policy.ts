/**
 * The ffmpeg supervisor's brain as a pure function (STYLE 9): given what it believed, what it
 * sees now and the time, decide whether to spawn, kill or wait. No timers, no processes, so every
 * path (exit, stall, never-a-first-frame, backoff growth and reset) is tested with plain numbers.
 */

export interface SupervisorPolicy {
  /** Kill ffmpeg when no frame arrived for this long (also from spawn to the first frame). */
  stallTimeoutMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** A run that delivered frames for this long counts as healthy: backoff starts over. */
  healthyAfterMs: number;
  /**
   * False for a file played once: its clean end (exit 0) is the end of the source, not a failure.
   * Live sources always restart: a camera that "ends" has dropped the connection.
   */
  restartOnCleanExit: boolean;
}

export type Phase =
  /** No process; the next one may start at `retryAt`. */
  | 'waiting'
  /** A process is (believed) alive. */
  | 'running'
  /** We asked it to die (stall); waiting for the exit. */
  | 'killing'
  /** A play-once file reached its end; nothing more will happen. */
  | 'finished';

export interface SupervisorState {
  phase: Phase;
  /** Failed runs since the last healthy period; drives the backoff exponent. */
  failures: number;
  retryAt: number;
  /** Spawn time of the current/last process. */
  startedAt: number;
  /** Processes spawned so far; restarts = spawns - 1. */
  spawns: number;
  /** Why the last process ended, for logs and stats. */
  lastExit: string | null;
}

/** What the supervisor observes about the current process. */
export interface Health {
  alive: boolean;
  /** Time of the last complete frame from the current process, null if none yet. */
  lastFrameAt: number | null;
  /** How it ended, when `alive` is false. */
  exit?: { code: number | null; signal: string | null };
}

export type Action = { kind: 'none' } | { kind: 'spawn' } | { kind: 'kill'; reason: 'stall' | 'no_first_frame' };

export interface Decision {
  state: SupervisorState;
  action: Action;
  /** When decide should run again if nothing happens sooner (a frame or an exit). */
  wakeAt: number;
  /** Set when a run just ended: why, and how long until the next try (-1: never, finished). */
  ended?: { reason: string; retryInMs: number };
}

export function initialState(now: number): SupervisorState {
  return { phase: 'waiting', failures: 0, retryAt: now, startedAt: now, spawns: 0, lastExit: null };
}

export function backoffMs(policy: SupervisorPolicy, failures: number): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 30); // 2^30 * anything is past any cap; avoids Infinity
  return Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** exp);
}

function healthyRun(s: SupervisorState, h: Health, policy: SupervisorPolicy): boolean {
  return h.lastFrameAt !== null && h.lastFrameAt - s.startedAt >= policy.healthyAfterMs;
}

function describeExit(h: Health, killedFor: string | null): string {
  if (killedFor) return killedFor;
  if (!h.exit) return 'exited';
  return h.exit.signal ? `signal ${h.exit.signal}` : `exit code ${h.exit.code}`;
}

export function decide(s: SupervisorState, h: Health, now: number, policy: SupervisorPolicy): Decision {
  switch (s.phase) {
    case 'finished':
      return { state: s, action: { kind: 'none' }, wakeAt: Number.POSITIVE_INFINITY };

    case 'waiting':
      if (now >= s.retryAt) {
        const state = { ...s, phase: 'running' as const, startedAt: now, spawns: s.spawns + 1 };
        return { state, action: { kind: 'spawn' }, wakeAt: now + policy.stallTimeoutMs };
      }
      return { state: s, action: { kind: 'none' }, wakeAt: s.retryAt };

    case 'running':
    case 'killing': {
      if (!h.alive) {
        if (!policy.restartOnCleanExit && s.phase === 'running' && h.exit?.code === 0) {
          const state: SupervisorState = { ...s, phase: 'finished', lastExit: 'end of file' };
          return {
            state,
            action: { kind: 'none' },
            wakeAt: Number.POSITIVE_INFINITY,
            ended: { reason: 'end of file', retryInMs: -1 },
          };
        }
        // A long healthy run wipes earlier failures, so a camera that drops once a day
        // reconnects after backoffInitial, not after the cap.
        const failures = (healthyRun(s, h, policy) ? 0 : s.failures) + 1;
        const delay = backoffMs(policy, failures);
        const reason = describeExit(h, s.phase === 'killing' ? s.lastExit : null);
        const state: SupervisorState = { ...s, phase: 'waiting', failures, retryAt: now + delay, lastExit: reason };
        return { state, action: { kind: 'none' }, wakeAt: now + delay, ended: { reason, retryInMs: delay } };
      }
      if (s.phase === 'killing') return { state: s, action: { kind: 'none' }, wakeAt: now + policy.stallTimeoutMs };
      const since = h.lastFrameAt ?? s.startedAt;
      if (now - since >= policy.stallTimeoutMs) {
        const reason = h.lastFrameAt === null ? 'no_first_frame' : 'stall';
        return {
          state: { ...s, phase: 'killing', lastExit: reason },
          action: { kind: 'kill', reason },
          wakeAt: now + policy.stallTimeoutMs,
        };
      }
      const state = s.failures > 0 && healthyRun(s, h, policy) ? { ...s, failures: 0 } : s;
      return { state, action: { kind: 'none' }, wakeAt: since + policy.stallTimeoutMs };
    }
  }
}
