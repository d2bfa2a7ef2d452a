import type { WebSocket } from 'ws';
import type { ChildHandle, ProcessSpawner } from '../camera/process-port.js';
import { ManualClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { CameraRelay } from './camera-relay.js';

/** An ffmpeg the test drives: what it was sent, and its output and exit on demand. */
class FakeChild implements ChildHandle {
  readonly pid = 4242;
  readonly signals: string[] = [];
  out: (c: Buffer) => void = () => {};
  private exit: (code: number | null, signal: string | null) => void = () => {};
  onStdout(cb: (c: Buffer) => void): void {
    this.out = cb;
  }
  onStderr(): void {}
  onExit(cb: (code: number | null, signal: string | null) => void): void {
    this.exit = cb;
  }
  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    this.signals.push(signal);
  }
  exits(code: number | null, signal: string | null = null): void {
    this.exit(code, signal);
  }
}

/** A viewer's socket: what it was sent, and its close. */
function fakeSocket() {
  const handlers = new Map<string, (...a: unknown[]) => void>();
  const got: Buffer[] = [];
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send: (d: Buffer) => void got.push(Buffer.from(d)),
    once: (ev: string, f: (...a: unknown[]) => void) => void handlers.set(ev, f),
    on: (ev: string, f: (...a: unknown[]) => void) => void handlers.set(ev, f),
    ping: () => {},
    close: () => handlers.get('close')?.(),
    terminate: () => handlers.get('close')?.(),
  };
  return { ws: ws as unknown as WebSocket, got, leave: () => handlers.get('close')?.() };
}

const flush = () => new Promise((r) => setImmediate(r));

function relay(clock: ManualClock) {
  const children: FakeChild[] = [];
  const spawner: ProcessSpawner = {
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
  };
  const failed: string[] = [];
  const r = new CameraRelay({
    cameraId: 'front',
    ffmpegPath: 'ffmpeg',
    args: [],
    width: 1280,
    height: 720,
    spawner,
    clock,
    log: silentLogger(),
    lingerMs: 2000,
    retryMs: 1000,
    onFailed: (why) => void failed.push(why),
  });
  return { r, children, failed };
}

describe('a camera relay', () => {
  it('starts ffmpeg for the first viewer, shares it, and stops it (TERM, then KILL) after the last one left', async () => {
    const clock = new ManualClock(0);
    const { r, children } = relay(clock);
    const a = fakeSocket();
    const b = fakeSocket();
    r.add(a.ws);
    r.add(b.ws);
    expect(children).toHaveLength(1);
    expect(a.got[0]!.subarray(0, 4).toString()).toBe('jsmp');
    a.leave();
    clock.advance(5000);
    await flush();
    expect(children[0]!.signals).toEqual([]);
    b.leave();
    clock.advance(1999);
    await flush();
    expect(children[0]!.signals).toEqual([]);
    clock.advance(1);
    await flush();
    expect(children[0]!.signals).toEqual(['SIGTERM']);
    clock.advance(2000);
    await flush();
    expect(children[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    children[0]!.exits(null, 'SIGKILL');
    await flush();
    expect(r.pid).toBeUndefined();
  });

  it('starts a viewer who joins mid-stream at the next 188-byte MPEG-TS packet', () => {
    const clock = new ManualClock(0);
    const { r, children } = relay(clock);
    const first = fakeSocket();
    r.add(first.ws);
    const stream = Buffer.alloc(188 * 4);
    for (let i = 0; i < 4; i++) stream[i * 188] = 0x47;
    children[0]!.out(stream.subarray(0, 100));
    const late = fakeSocket();
    r.add(late.ws);
    children[0]!.out(stream.subarray(100, 300));
    children[0]!.out(stream.subarray(300));
    expect(Buffer.concat(first.got.slice(1))).toEqual(stream);
    expect(late.got[1]![0]).toBe(0x47);
    expect(Buffer.concat(late.got.slice(1))).toEqual(stream.subarray(188));
  });

  it('tries again while people watch, and gives up after three runs that sent nothing', async () => {
    const clock = new ManualClock(0);
    const { r, children, failed } = relay(clock);
    const v = fakeSocket();
    let closed = false;
    const ws = v.ws as unknown as { close: () => void };
    const close = ws.close;
    ws.close = () => {
      closed = true;
      close();
    };
    r.add(v.ws);
    for (let i = 0; i < 3; i++) {
      expect(children).toHaveLength(i + 1);
      children[i]!.exits(1);
      clock.advance(1000);
      await flush();
    }
    expect(children).toHaveLength(3);
    expect(failed).toHaveLength(1);
    expect(closed).toBe(true);
    expect(r.viewers).toBe(0);
  });
});
