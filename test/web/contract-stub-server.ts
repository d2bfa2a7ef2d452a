/**
 * A STUB of the page's routes (daemon/api/web-contract.ts) for the page's browser smoke test:
 * it serves the built page with the daemon's Content-Security-Policy and answers the routes with
 * canned data, checking the CSRF header and validating every JSON answer and event against the
 * contract's zod schemas, so the stub cannot drift from the contract. It stands in for the
 * daemon until the real routes exist; the end-to-end tests run against the daemon itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { z } from 'zod';
import {
  CSRF_HEADER,
  routePath,
  WEB_API_PREFIX,
  WEB_CSP,
  WEB_PATHS,
  WEB_SESSION_COOKIE,
} from '../../daemon/api/web-constants.js';
import {
  camerasResponseSchema,
  hitsResponseSchema,
  liveStartResponseSchema,
  type Purpose,
  unitsResponseSchema,
  type WebHealth,
  type WebHit,
  type WebSession,
  webErrorSchema,
  webEventSchemas,
  webHealthSchema,
  webSessionSchema,
} from '../../daemon/api/web-contract.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

export interface StubOptions {
  /** The built page (dist/web). */
  webDir: string;
  username: string;
  password: string;
  /** Served for every crop URL. */
  cropJpeg: Buffer;
  /** Live view: ffmpeg and a video file it encodes to MPEG-TS (MPEG-1 video) the way node-rtsp-stream does. */
  live?: { ffmpeg: string; clip: string };
}

export interface ContractStub {
  url: string;
  /** Records a hit and pushes it to every open event stream (validated against the contract first); `quiet`: record only, as if it happened while the page was cut off. */
  pushHit(hit: WebHit, quiet?: boolean): void;
  /** Ends every open event stream, as a lost connection would. */
  dropStreams(): void;
  /** Requests seen, as `METHOD path`, for assertions. */
  requests: string[];
  /** POSTs refused for a missing or wrong CSRF token. */
  csrfRefusals: number;
  /** Live relays (ffmpeg processes) running now. */
  liveRelays: number;
  close(): Promise<void>;
}

export async function startContractStub(o: StubOptions): Promise<ContractStub> {
  const token = randomBytes(16).toString('hex');
  const csrf = randomBytes(16).toString('hex');
  let loggedIn = false;
  let purpose: Purpose | null = null;
  const streams = new Set<ServerResponse>();
  const hits: WebHit[] = [];
  const requests: string[] = [];
  let csrfRefusals = 0;
  const relays = new Set<ChildProcess>();
  let liveIds = 0;

  const session = (): WebSession =>
    webSessionSchema.parse({
      user: {
        username: o.username,
        full_name: 'Deputy Ray',
        role: 'operator',
        cbi_authorized: true,
        cbi_authorized_until: null,
        training_expires_on: '2027-06-30',
      },
      mode: 'unit',
      site: { id: 'car-12', name: 'Car 12' },
      csrf_token: csrf,
      expires_at: new Date(Date.now() + 30 * 60_000).toISOString(),
      must_change_password: false,
      permissions: ['search', 'view_hits', 'verify_hit'],
      patrol_purpose: purpose,
    });

  const health = (): WebHealth =>
    webHealthSchema.parse({
      unit: { id: 'car-12', name: 'Car 12' },
      ts: new Date().toISOString(),
      uptime_s: 3600,
      cameras: [{ id: 'front', name: 'Front', connected: true, fps: 11.8, dropped_frames: 0 }],
      position: { mode: 'fixed', gps: null },
      disk: { path: '/var/lib/alpr-edge', free_bytes: 40e9, total_bytes: 64e9 },
      storage: { state: 'ok', crops_shed: 0, unstored_reads: 0 },
      lists: [{ source: 'cbi', version: '2026-11-28T06', entries: 1200, age_s: 10800, stale: false }],
      outbox_depth: 0,
      broker: { connected: true, since: new Date().toISOString() },
      cpu: { load_pct: 35, temp_c: 51 },
    });

  const send = (res: ServerResponse, status: number, schema: z.ZodType | null, body: unknown) => {
    const data = schema ? schema.parse(body) : body;
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(data));
  };
  const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
    send(res, status, webErrorSchema, { error: { code, message } });

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    return text ? JSON.parse(text) : undefined;
  };

  const serveFile = (res: ServerResponse, urlPath: string) => {
    const rel = normalize(decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath)).replace(/^[/\\]+/, '');
    const file = join(o.webDir, rel);
    if (!file.startsWith(o.webDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-security-policy': WEB_CSP }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': WEB_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    res.end(readFileSync(file));
  };

  const isAuthed = (req: IncomingMessage) =>
    loggedIn && (req.headers.cookie ?? '').split(/;\s*/).includes(`${WEB_SESSION_COOKIE}=${token}`);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const path = url.pathname;
    requests.push(`${req.method} ${path}`);
    if (!path.startsWith(`${WEB_API_PREFIX}/`)) return serveFile(res, path);

    const authed = isAuthed(req);
    if (req.method === 'POST' && path !== WEB_PATHS.login && req.headers[CSRF_HEADER] !== csrf) {
      csrfRefusals++;
      return refuse(res, 403, 'csrf', 'The request lacks the page token: reload the page.');
    }
    if (path === WEB_PATHS.login && req.method === 'POST') {
      const b = (await readBody(req)) as { username?: string; password?: string };
      if (b?.username !== o.username || b?.password !== o.password)
        return refuse(res, 401, 'bad_credentials', 'wrong user name or password');
      loggedIn = true;
      // Secure is left off only because the stub speaks plain HTTP on loopback.
      res.setHeader('set-cookie', `${WEB_SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/api/web`);
      return send(res, 200, webSessionSchema, session());
    }
    if (!authed) return refuse(res, 401, 'not_logged_in', 'Log in first.');
    if (path === WEB_PATHS.session) return send(res, 200, webSessionSchema, session());
    if (path === WEB_PATHS.patrolPurpose && req.method === 'POST') {
      purpose = (await readBody(req)) as Purpose;
      return send(res, 200, webSessionSchema, session());
    }
    if (path === WEB_PATHS.hits) {
      const after = url.searchParams.get('after');
      const from = after === null ? 0 : hits.findIndex((h) => h.cursor === after) + 1;
      return send(res, 200, hitsResponseSchema, { hits: hits.slice(from) });
    }
    if (path === WEB_PATHS.units) return send(res, 200, unitsResponseSchema, { units: [] });
    if (path === WEB_PATHS.health) return send(res, 200, webHealthSchema, health());
    if (path === WEB_PATHS.cameras)
      return send(res, 200, camerasResponseSchema, {
        cameras: [{ id: 'front', name: 'Front', unit: { id: 'car-12', name: 'Car 12' } }],
      });
    if (req.method === 'POST' && path === routePath(WEB_PATHS.liveStart, { id: 'front' }) && o.live) {
      const id = String(++liveIds);
      return send(res, 200, liveStartResponseSchema, {
        kind: 'mpeg1',
        live_id: id,
        ws_path: `${WEB_API_PREFIX}/live/${id}`,
      });
    }
    if (req.method === 'POST' && path.startsWith(`${WEB_API_PREFIX}/live/`) && path.endsWith('/end')) {
      res.writeHead(204).end();
      return;
    }
    if (path.startsWith(`${WEB_API_PREFIX}/crops/`)) {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=300' });
      return res.end(o.cropJpeg);
    }
    if (path === WEB_PATHS.events) {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': stream open\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    return refuse(res, 404, 'not_found', `the stub has no route ${req.method} ${path}`);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  // The live relay: one ffmpeg per viewer, killed when the viewer's socket closes. Like
  // node-rtsp-stream it sends an 8-byte "jsmp" header before the MPEG-TS, which the player skips.
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    requests.push(`WS ${path}`);
    if (!o.live || !isAuthed(req) || !path.startsWith(`${WEB_API_PREFIX}/live/`)) {
      socket.destroy();
      return;
    }
    const live = o.live;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const header = Buffer.alloc(8);
      header.write('jsmp');
      header.writeUInt16BE(640, 4);
      header.writeUInt16BE(360, 6);
      ws.send(header);
      const ff = spawn(
        live.ffmpeg,
        ['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', live.clip, '-an'].concat([
          '-f',
          'mpegts',
          '-codec:v',
          'mpeg1video',
          '-r',
          '25',
          '-s',
          '640x360',
          '-b:v',
          '800k',
          '-',
        ]),
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      relays.add(ff);
      ff.on('exit', () => relays.delete(ff));
      ff.stdout.on('data', (d: Buffer) => {
        if (ws.readyState === ws.OPEN) ws.send(d);
      });
      ws.on('close', () => ff.kill('SIGKILL'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get csrfRefusals() {
      return csrfRefusals;
    },
    get liveRelays() {
      return relays.size;
    },
    pushHit(hit, quiet = false) {
      const data = webEventSchemas.hit.parse(hit);
      hits.push(data);
      if (!quiet) for (const s of streams) s.write(`event: hit\ndata: ${JSON.stringify(data)}\n\n`);
    },
    dropStreams() {
      for (const s of streams) s.end();
      streams.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        for (const ff of relays) ff.kill('SIGKILL');
        for (const c of wss.clients) c.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
