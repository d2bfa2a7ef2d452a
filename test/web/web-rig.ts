import { composeAccess } from '../../daemon/compose-access.js';
import { composeWebServer } from '../../daemon/compose-web.js';
import type { WebServer } from '../../daemon/api/web/web-server.js';
import { CSRF_HEADER, WEB_PATHS } from '../../daemon/api/web-constants.js';
import { configSchema } from '../../daemon/config/schema.js';
import type { Clock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import type { Db } from '../../daemon/store/database.js';
import { ensureWebBundle } from '../../scripts/build-web.js';
import { PASSWORD } from '../policy/fixture.js';

/** The page's server over a test database, on loopback HTTP and a free port, as main.ts builds it. */
export async function startWebServer(
  db: Db,
  clock: Clock,
  web: Record<string, unknown> = {},
  access: Record<string, unknown> = {},
): Promise<{ server: WebServer; url: string }> {
  const webDir = await ensureWebBundle();
  const config = configSchema.parse({
    unit: { id: 'car-12', name: 'Car 12' },
    storage: { path: '/tmp' },
    web: { listen: '127.0.0.1:0', ...web },
    access,
    cameras: [{ id: 'front', name: 'Front', url: 'rtsp://127.0.0.1/x', location: { lat: 39.74, lon: -105.51 } }],
  });
  const server = composeWebServer(config, {
    people: composeAccess(config, { db, clock }),
    clock,
    log: silentLogger(),
    webDir,
    sources: {
      cameraStats: () => [],
      lists: () => [],
      outboxDepth: () => 0,
      broker: () => undefined,
      storage: () => ({ state: 'ok', free_bytes: null, floor_bytes: null, crops_shed: 0, unstored_reads: 0 }),
      gps: undefined,
    },
  })!;
  await server.start(new AbortController().signal);
  return { server, url: `http://127.0.0.1:${server.port}` };
}

/** A browser-like client of the page's routes: keeps the cookie, sends the CSRF token on POSTs. */
export class PageClient {
  cookie = '';
  csrf = '';

  constructor(private readonly url: string) {}

  async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    csrf = true,
    // biome-ignore lint/suspicious/noExplicitAny: the tests read the JSON answers field by field
  ): Promise<{ status: number; json: any; headers: Headers }> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'POST' && csrf && this.csrf) headers[CSRF_HEADER] = this.csrf;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, json, headers: res.headers };
  }

  /** Logs in and sets the shift's purpose. */
  async login(username: string, password = PASSWORD, caseNumber = 'SHIFT-77'): Promise<void> {
    const r = await this.call('POST', WEB_PATHS.login, { username, password });
    if (r.status !== 200) throw new Error(`login of ${username}: ${r.status} ${JSON.stringify(r.json)}`);
    this.cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    this.csrf = r.json.csrf_token;
    const p = await this.call('POST', WEB_PATHS.patrolPurpose, {
      category: 'patrol_operation',
      case_number: caseNumber,
    });
    if (p.status !== 200) throw new Error(`purpose: ${p.status} ${JSON.stringify(p.json)}`);
  }
}
