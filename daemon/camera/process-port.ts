/**
 * The process port: how the supervisor starts ffmpeg. Injected (STYLE 10) so the supervisor is
 * tested with a fake child and a manual clock, and the real adapter stays a thin wrapper.
 */
import { spawn } from 'node:child_process';

export interface ChildHandle {
  readonly pid: number | undefined;
  onStdout(cb: (chunk: Buffer) => void): void;
  onStderr(cb: (chunk: Buffer) => void): void;
  /** Called once, when the process has exited (or failed to start: code null, signal null). */
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface ProcessSpawner {
  spawn(command: string, args: readonly string[]): ChildHandle;
}

/** Real child processes via node:child_process. */
export const nodeProcessSpawner: ProcessSpawner = {
  spawn(command, args) {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let exitCb: ((code: number | null, signal: string | null) => void) | null = null;
    let exited: { code: number | null; signal: string | null } | null = null;
    const finish = (code: number | null, signal: string | null): void => {
      if (exited) return;
      exited = { code, signal };
      exitCb?.(code, signal);
    };
    // 'close' (not 'exit') so every byte of stdout has been delivered before we report the end.
    child.on('close', (code, signal) => finish(code, signal));
    // ENOENT and friends: no 'close' follows in every Node version, so end here too.
    child.on('error', () => setImmediate(() => finish(child.exitCode, child.signalCode)));
    return {
      pid: child.pid,
      onStdout: (cb) => child.stdout.on('data', cb),
      onStderr: (cb) => child.stderr.on('data', cb),
      onExit: (cb) => {
        exitCb = cb;
        if (exited) cb(exited.code, exited.signal);
      },
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
  },
};
