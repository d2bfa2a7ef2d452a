/**
 * Runs the real daemon (bin/alpr-edge.js, the same entry systemd uses) as a child process with a
 * config written by the test, and collects its JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { DAEMON_NODE_FLAGS } from '../../daemon/shared/node-flags.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin', 'alpr-edge.js');

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export class DaemonProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly dir: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ level: 'raw', msg: line });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  /**
   * Writes `configYaml` (with `$STATE` replaced by a fresh temp folder) and starts the daemon on it.
   * `entry` swaps bin/alpr-edge.js for a TypeScript fixture that runs the daemon its own way
   * (test/fixtures/fake-analyzer-daemon.ts).
   */
  static start(
    configYaml: string,
    env: NodeJS.ProcessEnv = {},
    entry?: string,
    /** `dispatch`: the dispatch console instead of a unit's daemon. */
    command: 'run' | 'dispatch' = 'run',
  ): DaemonProcess {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-daemon-'));
    const file = join(dir, 'config.yaml');
    // Each daemon gets its own API socket in its temp folder unless the test chooses one.
    const yaml = /^api:/m.test(configYaml) ? configYaml : `${configYaml.trimEnd()}\napi: { socket: $STATE/api.sock }\n`;
    writeFileSync(file, yaml.replaceAll('$STATE', dir));
    // An ephemeral audit key, handed over the way systemd does (LoadCredential=audit-key).
    const credentials = join(dir, 'credentials');
    mkdirSync(credentials, { mode: 0o700 });
    writeFileSync(join(credentials, 'audit-key'), randomBytes(32), { mode: 0o400 });
    const main = entry ? ['--import', 'tsx', entry] : [BIN];
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...main, command, '--config', file], {
      cwd: ROOT,
      env: { ...process.env, CREDENTIALS_DIRECTORY: credentials, ...env, NOTIFY_SOCKET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new DaemonProcess(child, dir);
  }

  /** The daemon's ephemeral audit key (see start), for a test that writes to its log beside it. */
  get auditKeyFile(): string {
    return join(this.dir, 'credentials', 'audit-key');
  }

  /** The daemon's API socket (see start). */
  get socket(): string {
    return join(this.dir, 'api.sock');
  }

  get dbFile(): string {
    return join(this.dir, 'alpr-edge.db');
  }

  /** Rows of a query on the daemon's database, read while it runs (WAL allows it). */
  query<T>(sql: string, ...params: unknown[]): T[] {
    let db: Database.Database | undefined;
    try {
      db = new Database(this.dbFile, { readonly: true, fileMustExist: true });
      return db.prepare(sql).all(...params) as T[];
    } catch {
      return [];
    } finally {
      db?.close();
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  cleanup(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function waitUntil<T>(probe: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
