import { request } from 'node:http';
import { connect } from 'node:net';
import { AccessDeniedError } from '../shared/errors.js';
import { API_ROUTES, type BodyOf, type ReplyOf, type RouteName } from '../api/contract.js';

/** Where the daemon listens unless the config's api.socket says otherwise. */
export const DEFAULT_SOCKET = '/run/alpr-edge/api.sock';

const REQUEST_TIMEOUT_MS = 5 * 60_000;

/** Exit status when the daemon does not answer (EX_UNAVAILABLE). */
export const EXIT_UNAVAILABLE = 69;

/** The daemon does not answer on its socket: said in one line, with how to start it. */
export class DaemonUnavailableError extends Error {
  override name = 'DaemonUnavailableError';
  constructor(socket: string, code: string | undefined) {
    super(
      code === 'EACCES'
        ? `alpr-edge: you may not connect to ${socket}: ask an administrator to add you to the socket's group (api.group)`
        : `alpr-edge: the unit's daemon is not running (no answer on ${socket}); start it with: sudo systemctl start alpr-edge`,
    );
  }
}

/**
 * The CLI's client of the daemon's local API (node:http over the UNIX socket). Replies are typed
 * by the contract; a 403 becomes AccessDeniedError (the CLI prints "refused: ..." and exits 77),
 * any other failure an Error with the daemon's message.
 */
export class ApiClient {
  private token: string | undefined;

  constructor(readonly socket: string) {}

  /** Resolves when something accepts connections on the socket; throws DaemonUnavailableError otherwise. */
  probe(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect(this.socket);
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', (err: NodeJS.ErrnoException) => reject(new DaemonUnavailableError(this.socket, err.code)));
    });
  }

  async login(user: string, password: string): Promise<ReplyOf<'login'>> {
    const r = await this.call('login', { user, password });
    this.token = r.token;
    return r;
  }

  /** Ends the session; never throws (the token dies with its inactivity timeout anyway). */
  async logout(): Promise<void> {
    if (!this.token) return;
    try {
      await this.call('logout', undefined);
    } catch {
      // the daemon may have stopped meanwhile
    }
    this.token = undefined;
  }

  /** Calls route `name`; `params` fills its `:name` path segments. */
  call<N extends RouteName>(
    name: N,
    body: BodyOf<N>,
    params: Record<string, string | number> = {},
  ): Promise<ReplyOf<N>> {
    const spec = API_ROUTES[name];
    const path = spec.path.replace(/:([A-Za-z_]+)/g, (_m, p: string) => encodeURIComponent(String(params[p] ?? '')));
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = {};
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socket, path, method: spec.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            return reject(new Error(`the daemon answered ${res.statusCode} with something that is not JSON`));
          }
          const status = res.statusCode ?? 0;
          if (status === 200) return resolve(json as ReplyOf<N>);
          const message = (json as { error?: string }).error ?? `the daemon answered ${status}`;
          reject(status === 403 ? new AccessDeniedError(message) : new Error(message));
        });
      });
      // A daemon that accepted the connection but never answers (hung, stopped in a debugger)
      // should not hang a script forever; an evidence export of a big case takes a while.
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(
          new Error(`the daemon did not answer within ${REQUEST_TIMEOUT_MS / 60_000} minutes (${this.socket})`),
        ),
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES'
            ? new DaemonUnavailableError(this.socket, err.code)
            : err,
        ),
      );
      req.end(payload);
    });
  }
}
