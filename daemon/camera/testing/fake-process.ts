/** Test doubles for the process port: children that exit when told, and record signals. */
import type { ChildHandle, ProcessSpawner } from '../process-port.js';

export class FakeChild implements ChildHandle {
  readonly signals: string[] = [];
  exited = false;
  private stdoutCbs: ((c: Buffer) => void)[] = [];
  private stderrCbs: ((c: Buffer) => void)[] = [];
  private exitCb: ((code: number | null, signal: string | null) => void) | null = null;

  /** @param dieOn signals this child obeys (a wedged ffmpeg ignores SIGTERM). */
  constructor(
    readonly pid: number,
    private readonly dieOn: string[] = ['SIGTERM', 'SIGKILL'],
  ) {}

  onStdout(cb: (c: Buffer) => void): void {
    this.stdoutCbs.push(cb);
  }
  onStderr(cb: (c: Buffer) => void): void {
    this.stderrCbs.push(cb);
  }
  onExit(cb: (code: number | null, signal: string | null) => void): void {
    this.exitCb = cb;
  }
  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    this.signals.push(signal);
    if (this.dieOn.includes(signal)) this.exit(null, signal);
  }
  stdout(bytes: Buffer): void {
    for (const cb of this.stdoutCbs) cb(bytes);
  }
  stderr(text: string): void {
    for (const cb of this.stderrCbs) cb(Buffer.from(text));
  }
  exit(code: number | null, signal: string | null = null): void {
    if (this.exited) return;
    this.exited = true;
    this.exitCb?.(code, signal);
  }
}

export class FakeSpawner implements ProcessSpawner {
  readonly children: FakeChild[] = [];
  readonly calls: { command: string; args: readonly string[] }[] = [];
  /** Signals the next children obey. */
  dieOn: string[] = ['SIGTERM', 'SIGKILL'];

  spawn(command: string, args: readonly string[]): FakeChild {
    this.calls.push({ command, args });
    const c = new FakeChild(1000 + this.children.length, this.dieOn);
    this.children.push(c);
    return c;
  }

  get last(): FakeChild {
    const c = this.children[this.children.length - 1];
    if (!c) throw new Error('nothing spawned yet');
    return c;
  }
}

/** Lets promise chains settle after a ManualClock step. */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
