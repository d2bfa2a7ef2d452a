import { createServer, type Server } from 'node:http';
import type { Service } from '../lifecycle/lifecycle.js';
import type { Logger } from '../shared/logger.js';
import { parseLoopbackListen } from './metrics-config.js';
import type { DaemonMetrics } from './metrics.js';

/**
 * `GET /metrics` on a loopback address (metrics.listen): no login, so the address is checked to be
 * loopback twice, in the config schema and here, and only programs on the unit can scrape it.
 * Constructor only stores dependencies; start listens, stop closes.
 */
export class MetricsServer implements Service {
  readonly name = 'metrics';
  private server: Server | undefined;

  constructor(
    private readonly listen: string,
    private readonly metrics: DaemonMetrics,
    private readonly log: Logger,
  ) {}

  /** The bound address after start (port 0 picks one). */
  get address(): { host: string; port: number } | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined;
  }

  async start(): Promise<void> {
    const at = parseLoopbackListen(this.listen);
    if (!at) throw new Error(`metrics.listen ${this.listen} is not a loopback address and port`);
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://unit').pathname;
      if (path !== '/metrics') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
      this.metrics.text().then(
        (body) =>
          res.writeHead(200, { 'content-type': this.metrics.contentType }).end(req.method === 'GET' ? body : ''),
        (err: unknown) => {
          this.log.warn({ err: (err as Error).message }, 'metrics scrape failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed (see the daemon log)\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.log.info({ listen: this.address }, 'metrics listening');
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
