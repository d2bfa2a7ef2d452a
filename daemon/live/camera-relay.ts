/**
 * One camera's live-view relay: a single ffmpeg (camera stream → MPEG-1 in MPEG-TS) whose output
 * goes to every WebSocket watching that camera. It runs only while someone watches: the first
 * viewer starts it, and `lingerMs` after the last one leaves it is stopped (SIGTERM, then SIGKILL).
 *
 * The same wire format as node-rtsp-stream (the package the design first named): an 8-byte
 * header `jsmp` + width + height (uint16 BE), then the raw MPEG-TS bytes as binary messages. That
 * package is not used: it opens its own unauthenticated WebSocket port, writes ffmpeg's stderr to
 * the daemon's stdout, never stops ffmpeg when viewers leave and pins ws 7.
 */
import type { WebSocket } from 'ws';
import type { ChildHandle, ProcessSpawner } from '../camera/process-port.js';
import { StderrTail } from '../camera/stderr-tail.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

export interface CameraRelayDeps {
  cameraId: string;
  ffmpegPath: string;
  /** buildRelayArgs(camera). */
  args: string[];
  width: number;
  height: number;
  spawner: ProcessSpawner;
  clock: Clock;
  log: Logger;
  /** How long ffmpeg keeps running after the last viewer left (a reload of the page reuses it). */
  lingerMs: number;
  /** Wait after an ffmpeg exit before the next try while viewers remain. */
  retryMs: number;
  /** Called when ffmpeg ended `maxFailures` times in a row without sending a byte: the stream cannot be relayed. */
  onFailed(reason: string): void;
  maxFailures?: number;
  /** HEARTBEAT_MS unless a test says otherwise. */
  heartbeatMs?: number;
}

/** A viewer whose socket has this much unsent data gets no more until it drains (a slow link must not hold the unit's memory). */
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;
const KILL_AFTER_MS = 2000;
const TS_PACKET = 188;
/**
 * A viewer whose network went away (the car drove out of the Wi-Fi) sends no close: every this
 * often each socket is pinged, and one that did not answer the previous ping is dropped.
 */
export const HEARTBEAT_MS = 5000;

export class CameraRelay {
  private readonly clients = new Set<WebSocket>();
  private readonly unanswered = new WeakSet<WebSocket>();
  /** Viewers that joined mid-stream and still need to be brought to a 188-byte packet boundary. */
  private readonly unaligned = new WeakSet<WebSocket>();
  /** Bytes of the current ffmpeg's output so far, to find packet boundaries in the next chunk. */
  private streamBytes = 0;
  private stopHeartbeat: (() => void) | undefined;
  private child: ChildHandle | undefined;
  private exited: Promise<void> | undefined;
  private linger: AbortController | undefined;
  private retry: AbortController | undefined;
  private failures = 0;
  private sentBytes = false;
  private readonly tail = new StderrTail(30);
  private closed = false;
  /** The ffmpeg being stopped after the last viewer left; a viewer arriving meanwhile gets a fresh one once it is gone. */
  private stopping: ChildHandle | undefined;

  /** Stores its dependencies; nothing runs until the first viewer. */
  constructor(private readonly deps: CameraRelayDeps) {}

  /** The running ffmpeg's process id, or undefined while none runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get viewers(): number {
    return this.clients.size;
  }

  /** Adds a viewer: sends the stream header, and starts ffmpeg if it is not running. */
  add(ws: WebSocket): void {
    if (this.closed) {
      ws.close(1001, 'the daemon is stopping');
      return;
    }
    this.linger?.abort();
    this.linger = undefined;
    this.clients.add(ws);
    const header = Buffer.alloc(8);
    header.write('jsmp', 0, 'ascii');
    header.writeUInt16BE(this.deps.width, 4);
    header.writeUInt16BE(this.deps.height, 6);
    ws.send(header, { binary: true });
    if (this.streamBytes > 0) this.unaligned.add(ws);
    ws.once('close', () => this.remove(ws));
    ws.on('pong', () => this.unanswered.delete(ws));
    this.stopHeartbeat ??= this.deps.clock.every(this.deps.heartbeatMs ?? HEARTBEAT_MS, () => this.heartbeat());
    if (!this.child && !this.retry) this.spawn();
  }

  /** Stops ffmpeg now and closes every viewer (daemon stopping, or the viewing's camera went away). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopHeartbeat?.();
    this.linger?.abort();
    this.retry?.abort();
    for (const ws of this.clients) ws.close(1001, 'the daemon is stopping');
    this.clients.clear();
    await this.stopFfmpeg();
  }

  private heartbeat(): void {
    for (const ws of this.clients) {
      if (this.unanswered.has(ws)) {
        ws.terminate();
        continue;
      }
      this.unanswered.add(ws);
      ws.ping();
    }
  }

  private remove(ws: WebSocket): void {
    if (!this.clients.delete(ws) || this.clients.size > 0) return;
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    const ctl = new AbortController();
    this.linger = ctl;
    void this.deps.clock.sleep(this.deps.lingerMs, ctl.signal).then(async () => {
      if (ctl.signal.aborted || this.clients.size > 0) return;
      this.linger = undefined;
      this.retry?.abort();
      this.retry = undefined;
      this.deps.log.info({ camera: this.deps.cameraId }, 'live relay stopped: no viewer left');
      await this.stopFfmpeg();
    });
  }

  private spawn(): void {
    const d = this.deps;
    this.tail.mark(`relay ffmpeg at ${new Date(d.clock.now()).toISOString()}`);
    this.sentBytes = false;
    this.streamBytes = 0;
    const child = d.spawner.spawn(d.ffmpegPath, d.args);
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.onExit((code, signal) => {
        if (this.child === child) this.child = undefined;
        resolve();
        if (this.stopping === child) {
          this.stopping = undefined;
          if (this.clients.size > 0 && !this.closed) this.spawn();
          return;
        }
        this.onExit(code, signal);
      }),
    );
    child.onStderr((c) => this.tail.push(c));
    child.onStdout((chunk) => {
      this.sentBytes = true;
      // Pipe reads cut the MPEG-TS anywhere: a viewer who joined mid-stream starts at the next packet.
      const toBoundary = (TS_PACKET - (this.streamBytes % TS_PACKET)) % TS_PACKET;
      this.streamBytes += chunk.length;
      for (const ws of this.clients) {
        if (ws.readyState !== ws.OPEN || ws.bufferedAmount >= MAX_BUFFERED_BYTES) continue;
        if (!this.unaligned.has(ws)) ws.send(chunk, { binary: true });
        else if (toBoundary < chunk.length) {
          this.unaligned.delete(ws);
          ws.send(chunk.subarray(toBoundary), { binary: true });
        }
      }
    });
    d.log.info({ camera: d.cameraId, pid: child.pid }, 'live relay started');
  }

  private onExit(code: number | null, signal: string | null): void {
    const d = this.deps;
    if (this.closed || this.clients.size === 0) return;
    // ffmpeg ended on its own while people watch: the camera dropped, or cannot be relayed.
    this.failures = this.sentBytes ? 1 : this.failures + 1;
    const stderr = this.tail.snapshot(true);
    d.log.warn({ camera: d.cameraId, code, signal, stderr }, 'live relay ffmpeg ended');
    if (this.failures >= (d.maxFailures ?? 3)) {
      for (const ws of this.clients) ws.close(1011, 'the stream cannot be relayed');
      this.clients.clear();
      this.stopHeartbeat?.();
      this.stopHeartbeat = undefined;
      this.failures = 0;
      d.onFailed(stderr.at(-1) ?? `ffmpeg ended with ${code ?? signal}`);
      return;
    }
    const ctl = new AbortController();
    this.retry = ctl;
    void d.clock.sleep(d.retryMs, ctl.signal).then(() => {
      if (ctl.signal.aborted) return;
      this.retry = undefined;
      if (this.clients.size > 0 && !this.closed) this.spawn();
    });
  }

  private async stopFfmpeg(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    this.stopping = child;
    child.kill('SIGTERM');
    const ctl = new AbortController();
    const killed = this.deps.clock.sleep(KILL_AFTER_MS, ctl.signal).then(() => {
      if (!ctl.signal.aborted) child.kill('SIGKILL');
    });
    await exited;
    ctl.abort();
    await killed;
  }
}
