import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO = '/usr/sbin/mosquitto';

/**
 * A real Mosquitto for one test file, on a free loopback port (the machine's own broker keeps
 * 1883). Persistence goes to a temp folder, so a persistent subscriber's queue survives
 * stop()/start() like a field broker's would.
 */
export interface BrokerTls {
  /** PEM files: the CA that signed both sides, and the broker's certificate and key. */
  cafile: string;
  certfile: string;
  keyfile: string;
  /** A mosquitto_passwd file; anonymous clients are refused when given. */
  passwordFile?: string;
}

export class TestBroker {
  private proc: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'alpr-mqtt-'));
  port = 0;

  /** With `tls`, the listener wants TLS and a client certificate signed by the CA. */
  constructor(private readonly tls?: BrokerTls) {}

  get url(): string {
    return `${this.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const conf = join(this.dir, 'mosquitto.conf');
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      'persistence true',
      `persistence_location ${this.dir}/`,
      'log_dest none',
    ];
    // Run as root, Mosquitto drops to user "mosquitto", which cannot write our 0700 temp folder.
    if (process.getuid?.() === 0) lines.push('user root');
    if (this.tls) {
      lines.push(
        `cafile ${this.tls.cafile}`,
        `certfile ${this.tls.certfile}`,
        `keyfile ${this.tls.keyfile}`,
        'require_certificate true',
      );
    }
    if (this.tls?.passwordFile) lines.push(`password_file ${this.tls.passwordFile}`, 'allow_anonymous false');
    else lines.push('allow_anonymous true');
    writeFileSync(conf, `${lines.join('\n')}\n`);
    this.proc = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
    await waitForPort(this.port, 5_000);
  }

  /** SIGTERM: Mosquitto saves its persistence file and closes every connection. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' });
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port} within ${ms} ms`);
}

export function haveMosquitto(): boolean {
  return existsSync(MOSQUITTO);
}
