import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { loadUnitKey, type UnitKey } from '../evidence/unit-key.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AccessDeniedError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Service } from '../lifecycle/lifecycle.js';
import { MUST_CHANGE_PASSWORD, type AuthenticatedUser } from '../access/authorize.js';
import type { ApiConfig } from './config.js';
import { API_ROUTES, type RouteName, type RouteSpec } from './contract.js';
import { governedRoutes } from './governed-routes.js';
import type { RouteDeps, RouteHandlers } from './route-kit.js';

export interface ApiServerDeps extends RouteDeps {
  config: ApiConfig;
  log: Logger;
}

/** Why a request failed, as the HTTP status and `{error}` the client shows. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One line per zod issue: `field: message`. */
function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** The group id of `name` from /etc/group (Node has no getgrnam). */
function groupId(name: string): number {
  for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
    const [n, , gid] = line.split(':');
    if (n === name && gid !== undefined) return Number(gid);
  }
  throw new Error(`api.group "${name}" is not a group on this system (see /etc/group)`);
}

/** True when something accepts a connection on the UNIX socket `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * The daemon's local API (the one door to the data): fastify on a UNIX socket, mode 0660, with
 * the configured group. Every route logs in by bearer token, then goes through AuditedAccess.
 * Constructor only stores dependencies; start listens, stop closes.
 */
export class ApiServer implements Service {
  readonly name = 'api';
  private app: FastifyInstance | undefined;
  private readonly handlers: RouteHandlers;
  private unitKey: UnitKey | undefined;

  constructor(private readonly deps: ApiServerDeps) {
    this.handlers = governedRoutes(deps, () => this.loadedUnitKey());
  }

  /** The unit key, loaded (or created, on first start) once. */
  private loadedUnitKey(): UnitKey {
    if (!this.unitKey) {
      const dbFile = this.deps.db.name;
      if (!this.deps.unitKey && (dbFile === ':memory:' || dbFile === ''))
        throw new Error('no state folder for the unit key: set evidence.unit_key_file');
      this.unitKey = loadUnitKey(
        this.deps.unitKey ?? { stateDir: dirname(dbFile), credentialsDir: process.env.CREDENTIALS_DIRECTORY },
      );
    }
    return this.unitKey;
  }

  get socketPath(): string {
    return this.deps.config.socket;
  }

  async start(signal: AbortSignal): Promise<void> {
    const path = this.deps.config.socket;
    // A missing or unreadable unit key stops the start here, before anyone can export unsigned.
    const key = this.loadedUnitKey();
    this.deps.log.info({ unit_key: key.source, unit_key_sha256: key.fingerprint }, 'unit key loaded');
    // Checked before listening, so a wrong group leaves no socket behind.
    const gid = this.deps.config.group ? groupId(this.deps.config.group) : undefined;
    await this.clearStaleSocket(path);
    if (signal.aborted) return;
    const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
    app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) this.deps.log.error({ err: err.message }, 'api request failed');
      void reply.code(status).send({ error: status === 500 ? 'internal error (see the daemon log)' : err.message });
    });
    app.setNotFoundHandler((req, reply) => {
      void reply.code(404).send({ error: `no route ${req.method} ${req.url} (see GET /api/openapi.json)` });
    });
    for (const [name, spec] of Object.entries(API_ROUTES) as [RouteName, RouteSpec][]) {
      app.route({ method: spec.method, url: spec.path, handler: (req, reply) => this.handle(name, spec, req, reply) });
    }
    // There is never a default password: while the unit has no users, a one-time secret is
    // written beside the database (its path is logged, never the secret) for POST /api/bootstrap.
    const secretFile = this.deps.bootstrap.ensureSecret(this.deps.clock.now());
    if (secretFile)
      this.deps.log.warn(
        { secret_file: secretFile },
        'no users yet: create the first administrator with `alpr-edge users bootstrap` and the one-time secret in this file',
      );
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    await app.listen({ path });
    this.app = app;
    chmodSync(path, 0o660);
    if (gid !== undefined) chownSync(path, -1, gid);
    this.deps.log.info({ socket: path, group: this.deps.config.group ?? null }, 'api listening');
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  /** A socket file left by a daemon that died is removed; one that still answers means another daemon runs. */
  private async clearStaleSocket(path: string): Promise<void> {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (!st.isSocket())
      throw new Error(`api.socket ${path} exists and is not a socket: remove it or choose another path`);
    if (await answers(path)) throw new Error(`another process answers on ${path}: is the daemon already running?`);
    rmSync(path, { force: true });
  }

  private async handle(name: RouteName, spec: RouteSpec, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    try {
      const header = req.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
      let user: AuthenticatedUser | undefined;
      if (spec.auth) {
        const id = token ? this.deps.sessions.resume(token) : undefined;
        user = id === undefined ? undefined : this.deps.authenticator.currentUser(id, this.deps.clock.now());
        if (!user) {
          if (token) this.deps.sessions.close(token);
          throw new HttpError(401, 'not logged in, or the session expired: log in again');
        }
        // A password an administrator set opens nothing but its own change (and logout).
        if (user.mustChangePassword && name !== 'changeOwnPassword' && name !== 'logout')
          this.deps.access.refuseRequest(user, name, MUST_CHANGE_PASSWORD);
      }
      let body: unknown;
      if (spec.body) {
        const parsed = spec.body.safeParse(req.body ?? {});
        if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
        body = parsed.data;
      }
      const handler = this.handlers[name] as (r: {
        user: AuthenticatedUser | undefined;
        body: unknown;
        params: Record<string, string>;
        token: string | undefined;
      }) => unknown;
      const out = await handler({ user, body, params: (req.params ?? {}) as Record<string, string>, token });
      return reply.code(200).send(out);
    } catch (err) {
      // Refusals were audited where they were decided (AuditedAccess, Authenticator, purposeOf).
      if (err instanceof AccessDeniedError) return reply.code(403).send({ error: err.message });
      if (err instanceof HttpError) return reply.code(err.status).send({ error: err.message });
      // Errors the access code throws carry a message for the person (no such hit, no hold for
      // the case, a weak password); anything else is a fault, logged here and not shown.
      const e = err as Error & { code?: string };
      if (e instanceof Error && e.constructor === Error && !e.code) return reply.code(400).send({ error: e.message });
      this.deps.log.error({ route: name, err: e.message }, 'api request failed');
      return reply.code(500).send({ error: 'internal error (see the daemon log)' });
    }
  }
}
