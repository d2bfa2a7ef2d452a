/**
 * Every call the page makes to the server, behind one function each, so the page follows the
 * routes in one place (daemon/api/web-contract.ts holds their shapes, imported here as types only
 * to keep zod out of the bundle). The session lives in an HttpOnly cookie the page never sees;
 * the CSRF token from /session or /login goes with every POST.
 */
import { CSRF_HEADER, routePath, WEB_PATHS, type WebEventName } from '../../daemon/api/web-constants.js';
import type {
  CamerasResponse,
  DispositionRequest,
  HitsResponse,
  LiveStartResponse,
  Purpose,
  ReadsResponse,
  SearchRequest,
  SessionEndEvent,
  UnitsResponse,
  VerificationRequest,
  WebErrorCode,
  WebHealth,
  WebHit,
  WebSession,
  WebUnit,
} from '../../daemon/api/web-contract.js';

/** A refusal or failure, with a message fit to show as it is. `network`: no answer at all. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: WebErrorCode | 'network' | 'bad_answer',
    message: string,
    readonly lockedUntil?: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }

  /** The session is gone (expired, logged out elsewhere): the page returns to the login. */
  get sessionLost(): boolean {
    return this.code === 'not_logged_in' || this.code === 'session_expired';
  }
}

let csrfToken: string | null = null;
const sessionLost = new Set<(e: ApiError) => void>();

/** Calls `fn` whenever a call finds the session gone; returns the unsubscribe. */
export function onSessionLost(fn: (e: ApiError) => void): () => void {
  sessionLost.add(fn);
  return () => sessionLost.delete(fn);
}

async function call<T>(
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; query?: Record<string, string | number | undefined> } = {},
): Promise<T> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) qs.set(k, String(v));
  const url = qs.size ? `${path}?${qs}` : path;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'No answer from the unit: check the connection to it and try again.');
  }
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = toApiError(res.status, json);
    if (err.sessionLost && path !== WEB_PATHS.session && path !== WEB_PATHS.login) {
      csrfToken = null;
      for (const fn of sessionLost) fn(err);
    }
    throw err;
  }
  if (json === undefined)
    throw new ApiError(res.status, 'bad_answer', `The unit sent an unreadable answer to ${path}.`);
  return json as T;
}

function toApiError(status: number, json: unknown): ApiError {
  const e = (json as { error?: { code?: string; message?: string; locked_until?: string; retry_after_s?: number } })
    ?.error;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    return new ApiError(status, e.code as WebErrorCode, e.message, e.locked_until, e.retry_after_s);
  }
  return new ApiError(status, 'bad_answer', `The unit answered ${status} without an explanation.`);
}

function keepSession(s: WebSession): WebSession {
  csrfToken = s.csrf_token;
  return s;
}

export async function getSession(): Promise<WebSession> {
  return keepSession(await call<WebSession>('GET', WEB_PATHS.session));
}

export async function login(username: string, password: string): Promise<WebSession> {
  return keepSession(await call<WebSession>('POST', WEB_PATHS.login, { body: { username, password } }));
}

export async function logout(): Promise<void> {
  try {
    await call<void>('POST', WEB_PATHS.logout);
  } finally {
    csrfToken = null;
  }
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<WebSession> {
  return keepSession(
    await call<WebSession>('POST', WEB_PATHS.password, {
      body: { current_password: currentPassword, new_password: newPassword },
    }),
  );
}

export async function setPatrolPurpose(p: Purpose): Promise<WebSession> {
  return keepSession(await call<WebSession>('POST', WEB_PATHS.patrolPurpose, { body: p }));
}

/** Hits recorded after `after` (oldest first), or the newest `limit` when `after` is absent. */
export function fetchHits(q: { after?: string | undefined; limit?: number | undefined } = {}): Promise<HitsResponse> {
  return call<HitsResponse>('GET', WEB_PATHS.hits, { query: { after: q.after, limit: q.limit } });
}

export function recordDisposition(hitId: string, req: DispositionRequest): Promise<WebHit> {
  return call<WebHit>('POST', routePath(WEB_PATHS.disposition, { id: hitId }), { body: req });
}

export function recordVerification(hitId: string, req: VerificationRequest): Promise<WebHit> {
  return call<WebHit>('POST', routePath(WEB_PATHS.verification, { id: hitId }), { body: req });
}

export function fetchRecentReads(q: { limit?: number; camera?: string } = {}): Promise<ReadsResponse> {
  return call<ReadsResponse>('GET', WEB_PATHS.recentReads, { query: { limit: q.limit, camera: q.camera } });
}

export function searchReads(req: SearchRequest): Promise<ReadsResponse> {
  return call<ReadsResponse>('POST', WEB_PATHS.search, { body: req });
}

export function fetchHealth(unit?: string): Promise<WebHealth> {
  return call<WebHealth>('GET', WEB_PATHS.health, { query: { unit } });
}

export function fetchUnits(): Promise<UnitsResponse> {
  return call<UnitsResponse>('GET', WEB_PATHS.units);
}

export function fetchCameras(): Promise<CamerasResponse> {
  return call<CamerasResponse>('GET', WEB_PATHS.cameras);
}

export function startLive(cameraId: string): Promise<LiveStartResponse> {
  return call<LiveStartResponse>('POST', routePath(WEB_PATHS.liveStart, { id: cameraId }));
}

export function endLive(liveId: string): Promise<void> {
  return call<void>('POST', routePath(WEB_PATHS.liveEnd, { live_id: liveId }));
}

/** The absolute WebSocket URL of a same-origin path (wss: when the page came over https:). */
export function liveSocketUrl(wsPath: string, loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${wsPath}`;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface EventHandlers {
  hit(h: WebHit): void;
  hitUpdate(h: WebHit): void;
  unit(u: WebUnit): void;
  /** The server ended the session; the stream is closed for good. */
  sessionEnd(e: SessionEndEvent): void;
  /** Connected (first time or again): fetch what was missed meanwhile. */
  open(): void;
  state(s: StreamState): void;
}

/** Waits between reconnect attempts, ms; the last repeats. */
export const RECONNECT_DELAYS_MS = [1000, 2000, 5000, 10_000];

/**
 * Subscribes to the server's event stream and keeps it open: after an error it reconnects with
 * backoff (first asking /session, so an expired session goes to the login instead of retrying
 * for ever), and says each state change, so the page can show that alerts are not arriving.
 */
export function openEvents(h: EventHandlers): { close(): void } {
  let es: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let closed = false;

  const parse = <T>(name: WebEventName, fn: (v: T) => void) => {
    es!.addEventListener(name, (ev) => {
      let data: T;
      try {
        data = JSON.parse((ev as MessageEvent<string>).data) as T;
      } catch {
        console.warn(`unreadable ${name} event ignored`);
        return;
      }
      fn(data);
    });
  };

  const connect = () => {
    if (closed) return;
    h.state(attempt === 0 ? 'connecting' : 'reconnecting');
    es = new EventSource(WEB_PATHS.events, { withCredentials: true });
    es.addEventListener('open', () => {
      attempt = 0;
      h.state('live');
      h.open();
    });
    es.addEventListener('error', () => {
      es?.close();
      if (closed) return;
      h.state('reconnecting');
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!;
      attempt++;
      timer = setTimeout(() => {
        getSession().then(connect, (e: unknown) => {
          if (e instanceof ApiError && e.sessionLost) {
            for (const fn of sessionLost) fn(e);
            stop();
          } else connect();
        });
      }, delay);
    });
    parse<WebHit>('hit', h.hit);
    parse<WebHit>('hit_update', h.hitUpdate);
    parse<WebUnit>('unit', h.unit);
    parse<SessionEndEvent>('session_end', (e) => {
      stop();
      h.sessionEnd(e);
    });
  };

  const stop = () => {
    closed = true;
    if (timer) clearTimeout(timer);
    es?.close();
    h.state('closed');
  };

  connect();
  return { close: stop };
}
