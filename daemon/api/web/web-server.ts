import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Authenticator } from '../../access/authenticate.js';
import type { AuthenticatedUser } from '../../access/authorize.js';
import type { Service } from '../../lifecycle/lifecycle.js';
import { AccessDeniedError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { CSRF_HEADER, WEB_API_PREFIX, WEB_CSP, WEB_PATHS, WEB_SESSION_COOKIE } from '../web-constants.js';
import { LiveViewError } from '../../live/live-views.js';
import type { Purpose } from '../../access/purpose.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type LiveStartResponse,
  liveStartResponseSchema,
  loginRequestSchema,
  WEB_ROUTES,
  type WebRoute,
  type WebRouteName,
  type WebUnit,
  webEventSchemas,
} from '../web-contract.js';
import { type WebConfig, isLoopback, parseListen } from './config.js';
import { LiveHits } from './live-hits.js';
import { toRefusal, WebRefusal } from './web-errors.js';
import { toWebHit } from './web-hit.js';
import { sessionView, type WebHandlers, type WebRouteDeps, webRoutes } from './web-routes.js';
import { csrfMatches, LoginRateLimit, type PageSession, PageSessions } from './web-sessions.js';

/** The cameras' live views (daemon/live/LiveViews), as the page's routes use them. */
export interface LivePort {
  start(cameraId: string, user: AuthenticatedUser, purpose?: Purpose): LiveStartResponse;
  end(liveId: string, userId: number): boolean;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, userId?: number): boolean;
  frame(liveId: string, userId: number): Promise<Buffer>;
}

export interface WebServerDeps extends WebRouteDeps {
  config: WebConfig;
  /** access.session_minutes: the page's sessions expire like the socket API's. */
  sessionMinutes: number;
  authenticator: Authenticator;
  log: Logger;
  /** The built page (dist/web). */
  webDir: string;
  /** Live views of the cameras; without them the live routes answer 404. */
  liveViews?: LivePort | undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'content-security-policy': WEB_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(/;\s*/)) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i) === name) return part.slice(i + 1);
  }
  return undefined;
}

/** A browser's POST names its page in Origin: it must be this server (absent: not a browser, the token decides). */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * The in-car page and its routes (/api/web/*), served by the daemon on web.listen: HTTPS with the
 * configured certificate (plain HTTP only on loopback). The same process and the same audited
 * path as the socket API: the page is one more client of AuditedAccess. Sessions are cookies
 * (HttpOnly; Secure; SameSite=Strict; Path=/api/web), every POST but the login carries the CSRF
 * token, logins are rate limited per address on top of the account lockout. Constructor only
 * stores dependencies; start listens, stop closes.
 */
export class WebServer implements Service {
  readonly name = 'web';
  /** The port to pass new hits to (main.ts calls notify() after a read's hits are committed). */
  readonly live: LiveHits;
  private app: FastifyInstance | undefined;
  private readonly sessions: PageSessions;
  private readonly rate: LoginRateLimit;
  private readonly handlers: WebHandlers;
  private stopFlush: (() => void) | undefined;
  private readonly secure: boolean;
  private boundPort = 0;

  constructor(private readonly deps: WebServerDeps) {
    this.live = new LiveHits(deps.page, deps.clock, deps.log);
    this.sessions = new PageSessions(deps.clock, deps.sessionMinutes);
    this.rate = new LoginRateLimit(deps.clock, deps.config.login_attempts_per_minute);
    this.handlers = webRoutes(deps, this.live);
    this.secure = deps.config.tls_cert !== undefined;
  }

  /** The port listened on (web.listen may give 0 in tests). */
  get port(): number {
    return this.boundPort;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, log } = this.deps;
    const listen = config.listen ? parseListen(config.listen) : undefined;
    if (!listen) return;
    if (!this.secure && !isLoopback(listen.host))
      throw new Error('web: plain HTTP is allowed on loopback only; set web.tls_cert and web.tls_key');
    if (!existsSync(join(this.deps.webDir, 'index.html')))
      throw new Error(`web: the page is not built (${this.deps.webDir}/index.html is missing): run npm run build:web`);
    const https = this.secure
      ? { key: readFileSync(config.tls_key!), cert: readFileSync(config.tls_cert!) }
      : undefined;
    const app = (https ? Fastify({ logger: false, https }) : Fastify({ logger: false })) as unknown as FastifyInstance;
    app.addHook('onSend', async (_req, reply) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
      if (this.secure) reply.header('strict-transport-security', 'max-age=31536000');
    });
    app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) log.error({ err: err.message }, 'page request failed');
      void reply.code(status).send({
        error: {
          code: status === 500 ? 'unavailable' : 'invalid',
          message: status === 500 ? 'internal error (see the daemon log)' : err.message,
        },
      });
    });
    for (const [name, spec] of Object.entries(WEB_ROUTES) as [WebRouteName, WebRoute][]) {
      app.route({ method: spec.method, url: spec.path, handler: (req, reply) => this.handle(name, spec, req, reply) });
    }
    // A JPEG-a-second viewing's newest frame (the path liveStart hands out for kind "jpeg").
    app.get(`${WEB_API_PREFIX}/live/:live_id/frame`, (req, reply) => this.liveFrame(req, reply));
    app.route({
      method: ['GET', 'POST'],
      url: `${WEB_API_PREFIX}/*`,
      handler: (req, reply) =>
        this.refuse(reply, new WebRefusal(404, 'not_found', `no route ${req.method} ${req.url}`)),
    });
    app.get('/*', (req, reply) => this.serveFile(req, reply));
    if (signal.aborted) return;
    await app.listen({ host: listen.host, port: listen.port });
    this.app = app;
    // The live view's WebSocket: same origin, under the session cookie's path, and the viewing's token.
    app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const token = cookieValue(req.headers.cookie, WEB_SESSION_COOKIE);
      const userId = token ? this.sessions.resume(token)?.userId : undefined;
      if (userId === undefined || !this.deps.liveViews?.upgrade(req, socket, head, userId))
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    this.boundPort = (app.server.address() as { port: number }).port;
    this.live.start();
    this.stopFlush = this.deps.clock.every(config.view_audit_interval_s * 1000, () => this.flushViews());
    log.info(
      { url: `${this.secure ? 'https' : 'http'}://${config.listen!.replace(/:\d+$/, `:${this.boundPort}`)}/` },
      'in-car page listening',
    );
  }

  async stop(): Promise<void> {
    this.stopFlush?.();
    this.stopFlush = undefined;
    this.live.stop();
    // The daemon stops: streams close without a session_end, so the page says it lost the connection.
    for (const s of this.sessions.all()) for (const end of s.streams) end();
    this.flushViews();
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  /** Writes each session's views since the last flush as one audit entry (policy 424.5(b)); ends expired sessions' streams. */
  private flushViews(): void {
    const gone = this.sessions.sweep();
    for (const s of gone) for (const end of s.streams) end('expired');
    for (const s of [...this.sessions.all(), ...gone]) this.flush(s);
  }

  /** One audit entry for what `s` was shown since its last flush, if anything. */
  private flush(s: PageSession): void {
    const v = s.views;
    if (v.hits.size + v.reads.size + v.crops.size === 0) return;
    const batch = { hits: [...v.hits], reads: [...v.reads], crops: [...v.crops] };
    v.hits.clear();
    v.reads.clear();
    v.crops.clear();
    const user = this.deps.authenticator.currentUser(s.userId, this.deps.clock.now());
    if (!user) return;
    try {
      this.deps.page.recordViews(user, s.purpose ?? undefined, batch);
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message, user: user.username }, 'could not record page views');
    }
  }

  private refuse(reply: FastifyReply, r: WebRefusal): FastifyReply {
    return reply.code(r.status).header('cache-control', 'no-store').send(r.body());
  }

  private cookie(token: string, maxAgeS: number): string {
    return `${WEB_SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=${WEB_API_PREFIX}; Max-Age=${maxAgeS}${this.secure ? '; Secure' : ''}`;
  }

  private resolve(req: FastifyRequest): { session: PageSession; user: AuthenticatedUser } {
    const token = cookieValue(req.headers.cookie, WEB_SESSION_COOKIE);
    if (!token) throw new WebRefusal(401, 'not_logged_in', 'Log in first.');
    const session = this.sessions.resume(token);
    const user = session && this.deps.authenticator.currentUser(session.userId, this.deps.clock.now());
    if (!session || !user) {
      const closed = this.sessions.close(token);
      if (closed) for (const end of closed.streams) end('disabled');
      throw new WebRefusal(401, 'session_expired', 'Your session ended. Log in again.');
    }
    return { session, user };
  }

  private async handle(name: WebRouteName, spec: WebRoute, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    try {
      if (name === 'login') return await this.login(req, reply);
      const { session, user } = this.resolve(req);
      if (spec.method === 'POST' && !csrfMatches(req.headers[CSRF_HEADER], session.csrf))
        throw new WebRefusal(403, 'csrf', 'The request lacks the page token: reload the page.');
      if (spec.method === 'POST' && !sameOrigin(req))
        throw new WebRefusal(403, 'csrf', 'The request came from another site: use the page itself.');
      // A password an administrator set opens nothing but its own change (and the way out).
      if (user.mustChangePassword && name !== 'password' && name !== 'logout' && name !== 'session')
        throw new WebRefusal(
          403,
          'password_change_required',
          'Choose a new password first: yours was set by an administrator.',
        );
      if (name === 'logout') {
        this.sessions.close(session.token);
        for (const end of session.streams) end('logged_out');
        this.flush(session);
        return reply.code(204).header('set-cookie', this.cookie('', 0)).send();
      }
      if (name === 'events') return this.events(req, reply, session, user);
      if (name === 'crop') return this.crop(req, reply, session, user);
      if (name === 'liveStart' || name === 'liveEnd') return this.liveRoute(name, req, reply, session, user);
      const query = spec.query ? this.parse(spec.query, req.query ?? {}) : undefined;
      const body = spec.body ? this.parse(spec.body, req.body ?? {}) : undefined;
      const expiresAt = this.deps.clock.now() + this.deps.sessionMinutes * 60_000;
      const out = await this.handlers[name as keyof WebHandlers]({
        user,
        session,
        expiresAt,
        query,
        body,
        params: (req.params ?? {}) as Record<string, string>,
      });
      const schema = spec.response;
      const data = schema && typeof schema !== 'string' ? schema.parse(out) : out;
      return reply.code(200).header('cache-control', 'no-store').send(data);
    } catch (err) {
      const r = toRefusal(err);
      if (r) return this.refuse(reply, r);
      this.deps.log.error({ route: name, err: (err as Error).message }, 'page request failed');
      return this.refuse(reply, new WebRefusal(500, 'unavailable', 'internal error (see the daemon log)'));
    }
  }

  private parse<T>(
    schema: {
      safeParse(v: unknown): {
        success: boolean;
        data?: T;
        error?: { issues: { path: PropertyKey[]; message: string }[] };
      };
    },
    v: unknown,
  ): T {
    const r = schema.safeParse(v);
    if (r.success) return r.data as T;
    const issue = r.error!.issues[0]!;
    const field = issue.path.map(String).join('.');
    throw new WebRefusal(400, 'invalid', field ? `${field}: ${issue.message}` : issue.message, field ? { field } : {});
  }

  private async login(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const wait = this.rate.take(req.ip);
    if (wait > 0)
      throw new WebRefusal(429, 'rate_limited', `Too many logins from this computer: wait ${wait} s.`, {
        retry_after_s: wait,
      });
    const body = this.parse(loginRequestSchema, req.body ?? {});
    let user: AuthenticatedUser;
    try {
      user = await this.deps.authenticator.login(body.username, body.password, this.deps.clock.now(), 'web');
    } catch (err) {
      if (!(err instanceof AccessDeniedError)) throw err;
      const m = err.message;
      const until = /until (\S+Z)/.exec(m)?.[1];
      if (/locked/.test(m)) throw new WebRefusal(401, 'locked', m, until ? { locked_until: until } : {});
      if (/disabled/.test(m)) throw new WebRefusal(401, 'disabled', m);
      throw new WebRefusal(401, 'bad_credentials', m);
    }
    const { session, expiresAt } = this.sessions.open(user.id);
    const view = sessionView(this.deps, user, session, expiresAt);
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .header('set-cookie', this.cookie(session.token, this.deps.sessionMinutes * 60))
      .send(WEB_ROUTES.login.response.parse(view));
  }

  private liveRoute(
    name: 'liveStart' | 'liveEnd',
    req: FastifyRequest,
    reply: FastifyReply,
    session: PageSession,
    user: AuthenticatedUser,
  ): FastifyReply {
    const live = this.deps.liveViews;
    if (!live) throw new WebRefusal(404, 'not_found', 'Live view is not served by this unit.');
    const params = (req.params ?? {}) as Record<string, string>;
    try {
      if (name === 'liveEnd') {
        live.end(params.live_id ?? '', user.id);
        return reply.code(204).header('cache-control', 'no-store').send();
      }
      const started = live.start(params.id ?? '', user, session.purpose ?? undefined);
      return reply.code(200).header('cache-control', 'no-store').send(liveStartResponseSchema.parse(started));
    } catch (err) {
      if (err instanceof LiveViewError)
        throw new WebRefusal(err.code === 'not_found' ? 404 : 503, err.code, err.message);
      throw err;
    }
  }

  private async liveFrame(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const { user } = this.resolve(req);
      const live = this.deps.liveViews;
      if (!live) throw new WebRefusal(404, 'not_found', 'Live view is not served by this unit.');
      const jpeg = await live.frame((req.params as Record<string, string>).live_id ?? '', user.id);
      return reply.code(200).header('cache-control', 'no-store').type('image/jpeg').send(jpeg);
    } catch (err) {
      const r =
        err instanceof LiveViewError
          ? new WebRefusal(err.code === 'not_found' ? 404 : 503, err.code, err.message)
          : toRefusal(err);
      if (r) return this.refuse(reply, r);
      throw err;
    }
  }

  private crop(req: FastifyRequest, reply: FastifyReply, session: PageSession, user: AuthenticatedUser): FastifyReply {
    const readId = (req.params as { read_id?: string }).read_id ?? '';
    const jpeg = this.deps.page.crop(user, readId);
    if (!jpeg) throw new WebRefusal(404, 'not_found', `no crop for read "${readId}"`);
    session.views.crops.add(readId);
    return reply
      .code(200)
      .header('content-type', 'image/jpeg')
      .header('cache-control', 'private, max-age=300')
      .send(jpeg);
  }

  /**
   * Server-Sent Events: each hit recorded from now on, mapped for this user, and a comment every
   * 15 s. With Last-Event-ID (the browser's own reconnect) the hits after that cursor come first.
   * What is pushed joins the session's view batch for the audit log.
   */
  private events(req: FastifyRequest, reply: FastifyReply, session: PageSession, user: AuthenticatedUser): void {
    if (!session.purpose)
      throw new WebRefusal(
        403,
        'purpose_required',
        'Give the shift purpose and incident number first (policy 424.5(c)).',
      );
    const refusal = this.deps.page.hitRefusal(user);
    if (refusal) throw new WebRefusal(403, 'forbidden', refusal);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': stream open\n\n');
    const write = (event: string, data: unknown, id?: string) =>
      res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const end = (reason?: 'expired' | 'logged_out' | 'disabled') => {
      if (reason)
        write('session_end', {
          reason,
          message: reason === 'logged_out' ? 'You logged out.' : 'Your session ended. Log in again.',
        });
      res.end();
    };
    const deliver = (event: 'hit' | 'hit_update', h: Parameters<typeof toWebHit>[0]) => {
      // The user as they are now: disabled, retrained or re-roled since the stream opened.
      const current = this.deps.authenticator.currentUser(session.userId, this.deps.clock.now());
      if (!current) {
        this.sessions.close(session.token);
        end('disabled');
        return;
      }
      if (this.deps.page.hitRefusal(current)) return;
      const cbi = this.deps.page.cbiAuthorization(current.id) !== undefined;
      const hit = webEventSchemas.hit.parse(toWebHit(h, this.deps.site, cbi, this.deps.clock.now()));
      write(event, hit, hit.cursor);
      session.views.hits.add(hit.id);
    };
    const lastId = Number(req.headers['last-event-id']);
    if (Number.isInteger(lastId) && lastId > 0) for (const h of this.deps.page.hitsForPush(lastId)) deliver('hit', h);
    // The dispatch console's unit changes (a unit's page has none).
    const unit = (u: WebUnit) => write('unit', webEventSchemas.unit.parse(u));
    const unsubscribe = this.live.subscribe({ deliver, unit });
    const stopKeepAlive = this.deps.clock.every(15_000, () => res.write(': keep-alive\n\n'));
    session.streams.add(end);
    req.raw.on('close', () => {
      stopKeepAlive();
      unsubscribe();
      session.streams.delete(end);
    });
  }

  private serveFile(req: FastifyRequest, reply: FastifyReply): FastifyReply {
    const urlPath = new URL(req.url, 'http://page').pathname;
    const root = this.deps.webDir;
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath)).replace(/^[/\\]+/, '');
    } catch {
      return reply.code(400).send('bad path');
    }
    const file = join(root, rel);
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile())
      return reply.code(404).header('content-type', 'text/plain').send('not found');
    return reply
      .code(200)
      .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .send(readFileSync(file));
  }
}

export { WEB_PATHS };
