import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEB_CSP, WEB_PATHS } from '../../daemon/api/web-constants.js';
import type { WebServer } from '../../daemon/api/web/web-server.js';
import { runCli } from '../../daemon/cli/main.js';
import { configSchema } from '../../daemon/config/schema.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { UserStore } from '../../daemon/access/users.js';
import { addHit, addRead, addUser, DAY, fakeIo, NOW, PASSWORD, tempDb } from '../policy/fixture.js';
import { PageClient, startWebServer } from './web-rig.js';

/**
 * The page's server in-process over a real database and real sockets: TLS with the certificate
 * `alpr-edge web cert` makes, the cookie's flags, the CSRF check, the login rate limit and the
 * lockout, session expiry, the purpose every data route needs, and the audit of what it sent.
 */
describe('the in-car page server', () => {
  let t: ReturnType<typeof tempDb>;
  let clock: ManualClock;
  let web: { server: WebServer; url: string } | undefined;
  beforeEach(async () => {
    t = tempDb();
    clock = new ManualClock(NOW);
    await addUser(t.db, 'deputy', 'operator');
  });
  afterEach(async () => {
    await web?.server.stop();
    web = undefined;
    t.close();
  });

  it('refuses a non-loopback address without a certificate, saying how to make one', () => {
    const camera = { id: 'front', name: 'Front', url: 'rtsp://127.0.0.1/x', location: { lat: 39.74, lon: -105.51 } };
    const base = { unit: { id: 'u' }, cameras: [camera] };
    const r = configSchema.safeParse({ ...base, web: { listen: '0.0.0.0:8443' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([
      expect.objectContaining({
        path: ['web', 'tls_cert'],
        message: expect.stringMatching(/required unless web.listen is a loopback address.*alpr-edge web cert/),
      }),
    ]);
    expect(configSchema.safeParse({ ...base, web: { listen: '127.0.0.1:8080' } }).success).toBe(true);
    expect(configSchema.parse(base).web.listen).toBeUndefined();
  });

  it('serves the page over TLS with the certificate web cert made, whose printed fingerprint is the one served, and a Secure cookie', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-cert-'));
    try {
      const io = fakeIo();
      expect(await runCli(['web', 'cert', '--out', dir, '--name', 'car12.local'], io)).toBe(0);
      const printed = /SHA-256 fingerprint: (\S+)/.exec(io.lines.join('\n'))![1];
      expect(statSync(join(dir, 'web.key')).mode & 0o777).toBe(0o600);
      const cert = readFileSync(join(dir, 'web.crt'));
      web = await startWebServer(t.db, clock, { tls_cert: join(dir, 'web.crt'), tls_key: join(dir, 'web.key') });
      const port = web.server.port;
      const res = await new Promise<{ status: number; headers: Record<string, unknown>; served: string }>(
        (resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: WEB_PATHS.login,
              method: 'POST',
              ca: cert,
              servername: 'localhost',
              headers: { 'content-type': 'application/json' },
            },
            (r) => {
              const served = (r.socket as unknown as { getPeerCertificate(): { raw: Buffer } }).getPeerCertificate()
                .raw;
              r.resume();
              r.on('end', () =>
                resolve({
                  status: r.statusCode ?? 0,
                  headers: r.headers,
                  served: new X509Certificate(served).fingerprint256,
                }),
              );
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ username: 'deputy', password: PASSWORD }));
        },
      );
      expect(res.status).toBe(200);
      expect(res.served).toBe(printed);
      expect(res.headers['strict-transport-security']).toBeDefined();
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^alpr_session=[0-9a-f]{64}; /);
      for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/api/web']) expect(cookie).toContain(flag);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on loopback HTTP sends the page with the strict CSP and a cookie without Secure, and wants the CSRF token on every POST', async () => {
    web = await startWebServer(t.db, clock);
    const page = await fetch(`${web.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(await page.text()).not.toMatch(/<script>[^<]/);
    const c = new PageClient(web.url);
    const login = await c.call('POST', WEB_PATHS.login, { username: 'deputy', password: PASSWORD });
    expect(login.headers.get('set-cookie')).not.toMatch(/Secure/);
    c.cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    c.csrf = login.json.csrf_token;
    const purpose = { category: 'patrol_operation', case_number: 'SHIFT-9' };
    expect((await c.call('POST', WEB_PATHS.patrolPurpose, purpose, false)).json.error.code).toBe('csrf');
    c.csrf = 'f'.repeat(48);
    expect((await c.call('POST', WEB_PATHS.patrolPurpose, purpose)).status).toBe(403);
    c.csrf = login.json.csrf_token;
    const foreign = await fetch(`${web.url}${WEB_PATHS.patrolPurpose}`, {
      method: 'POST',
      headers: {
        cookie: c.cookie,
        'x-csrf-token': c.csrf,
        origin: 'https://evil.example',
        'content-type': 'application/json',
      },
      body: JSON.stringify(purpose),
    });
    expect(foreign.status).toBe(403);
    expect((await c.call('POST', WEB_PATHS.patrolPurpose, purpose)).json.patrol_purpose).toEqual(purpose);
  });

  it('limits logins per address, locks the account after repeated failures, and ends a session left unused', async () => {
    web = await startWebServer(t.db, clock, { login_attempts_per_minute: 4 }, { lockout_after_failures: 3 });
    const c = new PageClient(web.url);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await c.call('POST', WEB_PATHS.login, { username: 'deputy', password: 'wrong password here' });
      codes.push(r.json.error.code);
    }
    // One answer whatever the reason (the audit log keeps the real one): the third failure locked
    // the account, which only shows as the right password being refused a minute later.
    expect(codes).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials', 'bad_credentials', 'rate_limited']);
    clock.advance(60_000);
    const whileLocked = await c.call('POST', WEB_PATHS.login, { username: 'deputy', password: PASSWORD });
    expect(whileLocked.json.error.code).toBe('bad_credentials');
    clock.advance(60 * 60_000);
    await c.login('deputy');
    expect((await c.call('GET', WEB_PATHS.session)).status).toBe(200);
    clock.advance(31 * 60_000);
    const gone = await c.call('GET', WEB_PATHS.session);
    expect(gone).toMatchObject({ status: 401, json: { error: { code: 'session_expired' } } });
  });

  it('shows hits only under a purpose, and records each response and each batch of crops in the audit log (424.5(b))', async () => {
    web = await startWebServer(t.db, clock, { view_audit_interval_s: 1 });
    const readId = addRead(t.db, { plate: 'STOLEN1', at: NOW - DAY / 2 });
    const hitId = addHit(t.db, readId);
    const c = new PageClient(web.url);
    const login = await c.call('POST', WEB_PATHS.login, { username: 'deputy', password: PASSWORD });
    c.cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    c.csrf = login.json.csrf_token;
    expect((await c.call('GET', WEB_PATHS.hits)).json.error.code).toBe('purpose_required');
    await c.login('deputy');
    const hits = await c.call('GET', WEB_PATHS.hits);
    expect(hits.json.hits.map((h: { id: string }) => h.id)).toEqual([hitId]);
    const crop = await fetch(`${web.url}${hits.json.hits[0].crop_url}`, { headers: { cookie: c.cookie } });
    expect(crop.headers.get('content-type')).toBe('image/jpeg');
    await crop.arrayBuffer();
    clock.advance(1000); // one web.view_audit_interval_s: the crops shown go to the log
    const entries = new AuditLog(t.db)
      .between(0, Number.MAX_SAFE_INTEGER)
      .filter((e) => e.username === 'deputy' && e.detail.via === 'page');
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'view_hits',
        caseNumber: 'SHIFT-77',
        query: expect.objectContaining({ kind: 'page_hits' }),
        detail: expect.objectContaining({ hit_ids: [hitId] }),
      }),
      expect.objectContaining({
        action: 'view_hits',
        query: { kind: 'page_views' },
        detail: expect.objectContaining({ crop_read_ids: [readId] }),
      }),
    ]);
  });

  it('makes a person whose password an administrator set choose a new one on the page before any data, audited', async () => {
    web = await startWebServer(t.db, clock);
    const users = new UserStore(t.db);
    const deputy = users.byName('deputy')!;
    users.setPassword(deputy.id, deputy.passwordHash, NOW, true);
    const c = new PageClient(web.url);
    const login = await c.call('POST', WEB_PATHS.login, { username: 'deputy', password: PASSWORD });
    expect(login.json.must_change_password).toBe(true);
    c.cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    c.csrf = login.json.csrf_token;
    expect((await c.call('GET', WEB_PATHS.hits)).json.error.code).toBe('password_change_required');

    const wrong = await c.call('POST', WEB_PATHS.password, {
      current_password: 'not the password',
      new_password: 'Quiet-Harbor-Lantern-82',
    });
    expect(wrong).toMatchObject({ status: 403, json: { error: { message: 'your current password is wrong' } } });
    const weak = await c.call('POST', WEB_PATHS.password, { current_password: PASSWORD, new_password: 'password123' });
    expect(weak).toMatchObject({
      status: 400,
      json: { error: { code: 'weak_password', message: expect.stringMatching(/^password refused/) } },
    });
    const changed = await c.call('POST', WEB_PATHS.password, {
      current_password: PASSWORD,
      new_password: 'Quiet-Harbor-Lantern-82',
    });
    expect(changed).toMatchObject({ status: 200, json: { must_change_password: false } });

    // The new password is the one that works now, and the change is in the audit log with the refusals.
    const again = new PageClient(web.url);
    const relog = await again.call('POST', WEB_PATHS.login, {
      username: 'deputy',
      password: 'Quiet-Harbor-Lantern-82',
    });
    expect(relog).toMatchObject({ status: 200, json: { must_change_password: false } });
    const changes = new AuditLog(t.db)
      .between(0, Number.MAX_SAFE_INTEGER)
      .filter((e) => e.action === 'password_change')
      .map((e) => e.outcome);
    expect(changes).toEqual(['refused', 'refused', 'allowed']);
  });

  it('pushes a hit recorded while the stream was down to a stream that reconnects with Last-Event-ID', async () => {
    web = await startWebServer(t.db, clock);
    const first = addHit(t.db, addRead(t.db, { plate: 'FIRST1', at: NOW - 1000 }));
    const c = new PageClient(web.url);
    await c.login('deputy');
    const cursor = (await c.call('GET', WEB_PATHS.hits)).json.hits.find((h: { id: string }) => h.id === first).cursor;
    const missed = addHit(t.db, addRead(t.db, { plate: 'MISSED1', at: NOW - 500 }));
    const ac = new AbortController();
    const res = await fetch(`${web.url}${WEB_PATHS.events}`, {
      headers: { cookie: c.cookie, 'last-event-id': cursor },
      signal: ac.signal,
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: hit\n')) text += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    expect(text).toContain(`"id":"${missed}"`);
    expect(text).not.toContain(`"id":"${first}"`);
  });

  it('does not keep an unused session alive by its own audit sweeps', async () => {
    web = await startWebServer(t.db, clock, { view_audit_interval_s: 1 });
    const c = new PageClient(web.url);
    await c.login('deputy');
    clock.advance(20 * 60_000); // a sweep runs every second meanwhile
    clock.advance(11 * 60_000);
    expect((await c.call('GET', WEB_PATHS.session)).json.error.code).toBe('session_expired');
  });

  it('answers recent reads, a search with its purpose, health, units and cameras, and names the search results in the audit log', async () => {
    web = await startWebServer(t.db, clock);
    const readId = addRead(t.db, { plate: 'ABC123', at: NOW - 3600_000 });
    addRead(t.db, { plate: 'XYZ999', at: NOW - 1800_000 });
    const c = new PageClient(web.url);
    await c.login('deputy');
    const recent = await c.call('GET', `${WEB_PATHS.recentReads}?limit=10`);
    expect(recent.json.reads.map((r: { plate: string }) => r.plate)).toEqual(['XYZ999', 'ABC123']);
    const search = await c.call('POST', WEB_PATHS.search, {
      purpose: { category: 'criminal_investigation', case_number: 'CR26-0042' },
      plate: 'AB?12*',
      from: new Date(NOW - DAY).toISOString(),
      to: new Date(NOW).toISOString(),
    });
    expect(search.json).toMatchObject({ reads: [{ id: readId, plate: 'ABC123' }], truncated: false });
    const noPurpose = await c.call('POST', WEB_PATHS.search, { plate: 'ABC123', from: 'x', to: 'y' });
    expect(noPurpose).toMatchObject({ status: 400, json: { error: { code: 'invalid', field: 'purpose' } } });
    const health = await c.call('GET', WEB_PATHS.health);
    expect(health.json).toMatchObject({ unit: { id: 'car-12', name: 'Car 12' }, storage: { state: 'ok' } });
    expect((await c.call('GET', WEB_PATHS.units)).json.units).toEqual([
      expect.objectContaining({ id: 'car-12', state: 'online' }),
    ]);
    expect((await c.call('GET', WEB_PATHS.cameras)).json.cameras).toEqual([
      { id: 'front', name: 'Front', unit: { id: 'car-12', name: 'Car 12' } },
    ]);
    const named = new AuditLog(t.db)
      .between(0, Number.MAX_SAFE_INTEGER)
      .find((e) => e.query.kind === 'page_search_results');
    expect(named).toMatchObject({ username: 'deputy', caseNumber: 'CR26-0042', detail: { read_ids: [readId] } });
  });

  it('ends the live stream of a user disabled meanwhile instead of pushing them the next hit', async () => {
    web = await startWebServer(t.db, clock);
    const c = new PageClient(web.url);
    await c.login('deputy');
    const ac = new AbortController();
    const res = await fetch(`${web.url}${WEB_PATHS.events}`, { headers: { cookie: c.cookie }, signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read(); // the stream is open
    const deputy = new UserStore(t.db).byName('deputy')!;
    new UserStore(t.db).disable(deputy.id, NOW);
    const hidden = addHit(t.db, addRead(t.db, { plate: 'HIDDEN1', at: NOW }));
    web.server.live.notify();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    expect(text).toMatch(/event: session_end\ndata: \{"reason":"disabled"/);
    expect(text).not.toContain(hidden);
    expect((await c.call('GET', WEB_PATHS.session)).status).toBe(401);
  });
});
