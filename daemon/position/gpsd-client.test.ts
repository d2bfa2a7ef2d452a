import { createServer, type Server, type Socket } from 'node:net';
import { systemClock } from '../shared/clock.js';
import { GpsdClient, type GpsdHandlers } from './gpsd-client.js';
import type { GpsdReport } from './gpsd-protocol.js';

/** A stand-in gpsd on a free loopback port: records what clients send and lets the test write to them. */
class LineServer {
  readonly received: string[] = [];
  readonly sockets: Socket[] = [];
  connections = 0;
  private server: Server | undefined;
  port = 0;

  async listen(port = 0): Promise<void> {
    this.server = createServer((s) => {
      this.connections++;
      this.sockets.push(s);
      s.setEncoding('utf8');
      s.on('data', (d: string) => this.received.push(d));
      s.on('error', () => {});
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  send(text: string): void {
    for (const s of this.sockets) if (!s.destroyed) s.write(text);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.length = 0;
    await new Promise((r) => this.server?.close(r));
  }
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function recorder(): GpsdHandlers & { reports: GpsdReport[]; events: string[] } {
  const reports: GpsdReport[] = [];
  const events: string[] = [];
  return {
    reports,
    events,
    report: (r) => reports.push(r),
    connected: () => events.push('connected'),
    disconnected: (was) => events.push(was ? 'closed' : 'refused'),
  };
}

describe('the gpsd client', () => {
  let server: LineServer;
  let client: GpsdClient | undefined;
  beforeEach(() => {
    server = new LineServer();
  });
  afterEach(async () => {
    await client?.stop();
    await server.close();
  });

  it('asks gpsd to watch in JSON, reads reports split across packets, and counts lines it cannot read', async () => {
    await server.listen();
    client = new GpsdClient({ host: '127.0.0.1', port: server.port, clock: systemClock });
    const h = recorder();
    client.start(h, new AbortController().signal);
    await until(() => server.connections === 1 && server.received.join('').includes('\n'), 'the WATCH command');
    expect(server.received.join('')).toBe('?WATCH={"enable":true,"json":true}\n');
    server.send('{"class":"VERSION","release":"3.22"}\n{"class":"TPV","mode":3,"time":"2026-12-02T04:19:39.000Z",');
    await new Promise((r) => setTimeout(r, 50));
    server.send('"lat":39.7,"lon":-105.5}\nnot json at all\n{"class":"SKY","nSat":11,"uSat":9}\n{"no":"class"}\n');
    await until(() => h.reports.length === 3, 'three reports');
    expect(h.reports.map((r) => r.kind)).toEqual(['other', 'tpv', 'sky']);
    expect(client.stats()).toEqual({ connected: true, malformedLines: 2 });
  });

  it('reconnects with backoff when gpsd goes away and comes back on the same port', async () => {
    await server.listen();
    const port = server.port;
    client = new GpsdClient({
      host: '127.0.0.1',
      port,
      clock: systemClock,
      backoffInitialMs: 50,
      backoffMaxMs: 200,
    });
    const h = recorder();
    client.start(h, new AbortController().signal);
    await until(() => h.events.includes('connected'), 'the first connection');
    await server.close();
    await until(() => h.events.filter((e) => e === 'refused').length >= 3, 'three refused attempts');
    expect(h.events.slice(0, 2)).toEqual(['connected', 'closed']);
    expect(client.stats().connected).toBe(false);
    server = new LineServer();
    await server.listen(port);
    await until(() => h.events.at(-1) === 'connected', 'the connection after gpsd came back');
    server.send('{"class":"TPV","mode":1}\n');
    await until(() => h.reports.length === 1, 'a report on the new connection');
  });

  it('stops retrying and closes its connection on stop()', async () => {
    await server.listen();
    client = new GpsdClient({ host: '127.0.0.1', port: server.port, clock: systemClock });
    const h = recorder();
    client.start(h, new AbortController().signal);
    await until(() => server.connections === 1, 'a connection');
    await client.stop();
    await until(() => server.sockets.every((s) => s.readableEnded || s.destroyed), 'the socket to close');
    expect(h.events).toEqual(['connected']);
    client = undefined;
  });
});
