/**
 * Test helper around scripts/rtsp-server.py (GStreamer gst-rtsp-server): a real RTSP camera that
 * loops a file. `stop()` then `start()` again reuses the port, so a test can cut the "camera"
 * for a while and see clients reconnect to the same URL.
 *
 *   const cam = await RtspTestServer.start({ file: 'test-fixtures/drive-by.mp4' });
 *   cam.url; await cam.stop(); await cam.start(); await cam.stop();
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RTSP_SERVER_SCRIPT = join(ROOT, 'scripts/rtsp-server.py');
/** Debian's python has python3-gi; a pyenv python3 earlier on PATH does not. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const DRIVE_BY_CLIP = join(ROOT, 'test-fixtures/drive-by.mp4');

let availability: { ok: boolean; reason: string } | null = null;

/** Whether GStreamer's RTSP server can run here; tests skip with `reason` printed when not. */
export function rtspServerAvailability(): { ok: boolean; reason: string } {
  if (availability) return availability;
  if (!existsSync(SYSTEM_PYTHON)) {
    availability = { ok: false, reason: `${SYSTEM_PYTHON} not found` };
    return availability;
  }
  const r = spawnSync(
    SYSTEM_PYTHON,
    [
      '-c',
      "import gi; gi.require_version('Gst','1.0'); gi.require_version('GstRtspServer','1.0'); from gi.repository import GstRtspServer",
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  availability =
    r.status === 0
      ? { ok: true, reason: '' }
      : {
          ok: false,
          reason: `GStreamer RTSP server not usable (apt install gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-good gstreamer1.0-plugins-bad): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`,
        };
  return availability;
}

export interface RtspServerOptions {
  file?: string;
  /** Mount name: rtsp://127.0.0.1:PORT/NAME. */
  name?: string;
  /** 0 (default) picks a free port on the first start; later starts reuse it. */
  port?: number;
  startTimeoutMs?: number;
}

export class RtspTestServer {
  private child: ChildProcessWithoutNullStreams | null = null;
  private stderr: string[] = [];
  private boundPort: number;

  private constructor(private readonly opts: Required<RtspServerOptions>) {
    this.boundPort = opts.port;
  }

  static async start(opts: RtspServerOptions = {}): Promise<RtspTestServer> {
    const s = new RtspTestServer({ file: DRIVE_BY_CLIP, name: 'cam', port: 0, startTimeoutMs: 15_000, ...opts });
    await s.start();
    return s;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `rtsp://127.0.0.1:${this.boundPort}/${this.opts.name}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Last lines the server wrote to stderr (for failure messages). */
  get log(): string {
    return this.stderr.slice(-30).join('\n');
  }

  /** (Re)starts the server; on a restart the port is the one first bound (retried while the OS frees it). */
  async start(): Promise<void> {
    if (this.child) return;
    const deadline = Date.now() + this.opts.startTimeoutMs;
    for (;;) {
      try {
        await this.spawnOnce();
        return;
      } catch (err) {
        if (Date.now() > deadline || this.boundPort === 0) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private async spawnOnce(): Promise<void> {
    const args = [
      RTSP_SERVER_SCRIPT,
      this.opts.file,
      '--port',
      String(this.boundPort),
      '--name',
      this.opts.name,
      '--watch-stdin',
    ];
    const child = spawn(SYSTEM_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => this.stderr.push(...d.split('\n').filter(Boolean)));
    child.stdout.setEncoding('utf8');
    const port = await new Promise<number>((resolvePort, reject) => {
      let buf = '';
      const timer = setTimeout(
        () => fail(new Error(`rtsp-server did not start within ${this.opts.startTimeoutMs} ms\n${this.log}`)),
        this.opts.startTimeoutMs,
      );
      const onData = (d: string): void => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        cleanup();
        const n = Number(buf.slice(0, nl).trim());
        if (Number.isInteger(n) && n > 0) resolvePort(n);
        else fail(new Error(`rtsp-server printed ${JSON.stringify(buf.slice(0, nl))} instead of a port`));
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`rtsp-server exited with ${code} before listening\n${this.log}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.off('exit', onExit);
      };
      const fail = (e: Error): void => {
        cleanup();
        child.kill('SIGKILL');
        reject(e);
      };
      child.stdout.on('data', onData);
      child.on('exit', onExit);
    });
    this.boundPort = port;
    this.child = child;
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 3000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
