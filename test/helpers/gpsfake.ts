/**
 * A real gpsd serving a recorded NMEA log, through gpsd's own test harness (`gpsfake`, Debian
 * package gpsd-clients): gpsfake starts gpsd on the given port and feeds it the log through a
 * pseudo-terminal, as a receiver on a serial line would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GPSFAKE = '/usr/bin/gpsfake';
export const GPSD = '/usr/sbin/gpsd';

/** Whether gpsfake and gpsd are installed, and if not, what to install. */
export function gpsfakeAvailability(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(GPSFAKE) || !existsSync(GPSD))
    return { ok: false, reason: `${GPSFAKE} or ${GPSD} is not installed (apt install gpsd gpsd-clients)` };
  const r = spawnSync(GPSFAKE, ['-h'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, reason: `${GPSFAKE} -h failed: ${(r.stderr || r.stdout).slice(0, 200)}` };
  return { ok: true };
}

/** A TCP port on loopback that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export class FakeGpsd {
  private readonly exited: Promise<unknown>;
  output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    this.exited = once(child, 'exit');
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /**
   * Starts gpsd on `port` fed with `nmea` once (`-1`), reading the log at once rather than waiting
   * for a client (`-n`), so the fixes keep time with the log whoever connects; resolves when gpsd
   * accepts connections.
   */
  static async start(nmea: string, port: number): Promise<FakeGpsd> {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-gpsfake-'));
    const file = join(dir, 'drive.nmea');
    writeFileSync(file, nmea);
    // Its own process group, so stop() ends gpsfake and the gpsd it started, and nothing else.
    const child = spawn(GPSFAKE, ['-n', '-q', '-1', '-P', String(port), file], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: dir },
    });
    const fake = new FakeGpsd(child, dir);
    const deadline = Date.now() + 15_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await fake.stop();
        throw new Error(`gpsfake did not start gpsd on port ${port}: ${fake.output.slice(-500)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return fake;
  }

  /** Ends gpsfake and its gpsd (the whole process group it leads). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-this.child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 3000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}
