import {
  backoffMs,
  decide,
  initialState,
  type Health,
  type SupervisorPolicy,
  type SupervisorState,
} from './supervisor-policy.js';

const policy: SupervisorPolicy = {
  stallTimeoutMs: 20_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: 60_000,
  healthyAfterMs: 30_000,
  restartOnCleanExit: true,
};
const alive = (lastFrameAt: number | null): Health => ({ alive: true, lastFrameAt });
const dead = (lastFrameAt: number | null, code: number | null = 1, signal: string | null = null): Health => ({
  alive: false,
  lastFrameAt,
  exit: { code, signal },
});

function running(over: Partial<SupervisorState> = {}): SupervisorState {
  return { ...initialState(0), phase: 'running', spawns: 1, startedAt: 0, ...over };
}

describe('decide', () => {
  test('spawns at once from the initial state', () => {
    const d = decide(initialState(1000), { alive: false, lastFrameAt: null }, 1000, policy);
    expect(d.action).toEqual({ kind: 'spawn' });
    expect(d.state).toMatchObject({ phase: 'running', spawns: 1, startedAt: 1000 });
    expect(d.wakeAt).toBe(21_000);
  });

  test('waits out the backoff before spawning again', () => {
    const s: SupervisorState = { ...initialState(0), phase: 'waiting', retryAt: 5000, spawns: 1, failures: 2 };
    expect(decide(s, { alive: false, lastFrameAt: null }, 4999, policy)).toMatchObject({
      action: { kind: 'none' },
      wakeAt: 5000,
    });
    expect(decide(s, { alive: false, lastFrameAt: null }, 5000, policy).action).toEqual({ kind: 'spawn' });
  });

  test('an exit schedules a retry after the initial backoff and names the exit code', () => {
    const d = decide(running(), dead(null, 1), 500, policy);
    expect(d.action.kind).toBe('none');
    expect(d.state).toMatchObject({ phase: 'waiting', failures: 1, retryAt: 1500, lastExit: 'exit code 1' });
    expect(d.ended).toEqual({ reason: 'exit code 1', retryInMs: 1000 });
  });

  test('consecutive failures double the delay up to the cap', () => {
    const delays: number[] = [];
    let s = initialState(0);
    let now = 0;
    for (let i = 0; i < 9; i++) {
      s = decide(s, { alive: false, lastFrameAt: null }, now, policy).state; // spawn
      const d = decide(s, dead(null), now + 100, policy);
      delays.push(d.ended!.retryInMs);
      s = d.state;
      now = d.state.retryAt;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(s.spawns).toBe(9);
  });

  test('a run that delivered frames for the healthy period resets the backoff', () => {
    const s = running({ failures: 6, startedAt: 0 });
    const d = decide(s, dead(45_000, null, 'SIGSEGV'), 45_500, policy);
    expect(d.state.failures).toBe(1);
    expect(d.ended).toEqual({ reason: 'signal SIGSEGV', retryInMs: 1000 });
  });

  test('a short run with frames does not reset the backoff', () => {
    const d = decide(running({ failures: 3 }), dead(5_000), 5_100, policy);
    expect(d.state.failures).toBe(4);
    expect(d.ended!.retryInMs).toBe(8000);
  });

  test('failures are forgotten while a run stays healthy', () => {
    const d = decide(running({ failures: 4 }), alive(31_000), 31_000, policy);
    expect(d.state.failures).toBe(0);
    expect(d.action.kind).toBe('none');
  });

  test('no frame for the stall timeout kills the process, once', () => {
    const s = running();
    expect(decide(s, alive(10_000), 29_999, policy)).toMatchObject({ action: { kind: 'none' }, wakeAt: 30_000 });
    const d = decide(s, alive(10_000), 30_000, policy);
    expect(d.action).toEqual({ kind: 'kill', reason: 'stall' });
    expect(d.state.phase).toBe('killing');
    expect(decide(d.state, alive(10_000), 31_000, policy).action.kind).toBe('none');
    const after = decide(d.state, dead(10_000, null, 'SIGTERM'), 31_000, policy);
    expect(after.ended!.reason).toBe('stall');
    expect(after.state.phase).toBe('waiting');
  });

  test('a stream that never sends a first frame is killed after the stall timeout', () => {
    const d = decide(running({ startedAt: 1000 }), alive(null), 21_000, policy);
    expect(d.action).toEqual({ kind: 'kill', reason: 'no_first_frame' });
  });

  test('backoffMs never overflows for a camera down for months', () => {
    expect(backoffMs(policy, 0)).toBe(0);
    expect(backoffMs(policy, 10_000)).toBe(60_000);
  });

  test('a play-once file that ends cleanly is finished, not restarted', () => {
    const once = { ...policy, restartOnCleanExit: false };
    const d = decide(running(), dead(9_000, 0), 9_100, once);
    expect(d.state.phase).toBe('finished');
    expect(d.ended).toEqual({ reason: 'end of file', retryInMs: -1 });
    expect(decide(d.state, dead(9_000, 0), 100_000, once).action.kind).toBe('none');
  });

  test('a play-once file that fails is retried like a camera', () => {
    const d = decide(running(), dead(null, 1), 100, { ...policy, restartOnCleanExit: false });
    expect(d.state.phase).toBe('waiting');
  });
});
