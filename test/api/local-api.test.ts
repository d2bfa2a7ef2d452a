import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { API_ROUTES } from '../../daemon/api/contract.js';
import { apiConfigSchema } from '../../daemon/api/config.js';
import type { ApiServer } from '../../daemon/api/server.js';
import { defaultAccessConfig } from '../../daemon/access/config.js';
import { defaultRetentionConfig } from '../../daemon/retention/config.js';
import { buildApiServer } from '../../daemon/main.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { storageConfigSchema } from '../../daemon/storage/config.js';
import { ApiClient } from '../../daemon/cli/api-client.js';
import { AccessDeniedError } from '../../daemon/shared/errors.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { addHit, addRead, addUser, NOW, PASSWORD } from '../policy/fixture.js';
import { startApi, type ApiRig } from './api-fixture.js';

const WINDOW = { from: '-1d', to: 'now' };
const PURPOSE = { purpose: 'criminal_investigation', case: 'CR26-100' };

// The daemon's local API: one door, one audited path (authenticate, purpose, AuditedAccess, reply).
describe('the local API on its UNIX socket', () => {
  let rig: ApiRig;
  beforeEach(async () => {
    rig = await startApi();
    for (const [name, role] of [
      ['chief', 'administrator'],
      ['deputy', 'operator'],
      ['aud', 'auditor'],
      ['tech', 'technician'],
      ['rm', 'records_manager'],
    ] as const)
      await addUser(rig.t.db, name, role);
    await addUser(rig.t.db, 'rookie', 'operator', { trained: false });
  });
  afterEach(() => rig.close());

  const audit = (): ReturnType<AuditLog['between']> => new AuditLog(rig.t.db).between(0, Number.MAX_SAFE_INTEGER);

  it('lets each role do what its row of the permission table allows, and refuses and audits the rest', async () => {
    const readId = addRead(rig.t.db, { plate: 'ABC123', at: NOW - 3_600_000 });
    addHit(rig.t.db, readId);
    const tries: [string, (c: ApiClient) => Promise<unknown>, boolean][] = [
      ['deputy', (c) => c.call('searchReads', { ...PURPOSE, ...WINDOW, plate: 'AB*' }), true],
      ['deputy', (c) => c.call('listHits', { ...PURPOSE, ...WINDOW }), true],
      ['deputy', (c) => c.call('auditVerify', {}), false],
      ['deputy', (c) => c.call('listUsers', {}), false],
      ['rookie', (c) => c.call('searchReads', { ...PURPOSE, ...WINDOW }), false],
      ['aud', (c) => c.call('auditReport', WINDOW), true],
      ['aud', (c) => c.call('listHits', { ...PURPOSE, ...WINDOW }), true],
      ['aud', (c) => c.call('searchReads', { ...PURPOSE, ...WINDOW }), false],
      ['tech', (c) => c.call('auditVerify', {}), true],
      ['tech', (c) => c.call('listHits', { ...PURPOSE, ...WINDOW }), false],
      ['tech', (c) => c.call('viewRead', PURPOSE, { id: readId }), false],
      ['rm', (c) => c.call('listRecordsRequests', {}), true],
      ['rm', (c) => c.call('searchReads', { ...PURPOSE, ...WINDOW }), false],
      ['chief', (c) => c.call('listUsers', {}), true],
      ['chief', (c) => c.call('viewRead', PURPOSE, { id: readId }), true],
    ];
    for (const [user, act, allowed] of tries) {
      const c = await rig.as(user);
      const before = audit().length;
      const result = await act(c).then(
        () => 'allowed',
        (e: Error) => (e instanceof AccessDeniedError ? 'refused' : `failed: ${e.message}`),
      );
      expect([user, result]).toEqual([user, allowed ? 'allowed' : 'refused']);
      const entry = audit()
        .slice(before)
        .find((e) => e.action !== 'login');
      expect([user, entry?.outcome]).toEqual([user, allowed ? 'allowed' : 'refused']);
      await c.logout();
    }
  });

  it('returns what was searched for, stamped with the daemon clock, not the caller', async () => {
    addRead(rig.t.db, { plate: 'ABC123', at: NOW - 3_600_000 });
    addRead(rig.t.db, { plate: 'XYZ999', at: NOW - 3_600_000 });
    const c = await rig.as('deputy');
    const r = await c.call('searchReads', { ...PURPOSE, ...WINDOW, plate: 'AB?1*' });
    expect(r.reads.map((x) => x.plate)).toEqual(['ABC123']);
    const search = audit().find((e) => e.action === 'search')!;
    expect(search).toMatchObject({ at: NOW, username: 'deputy', caseNumber: 'CR26-100', resultCount: 1 });
  });

  it('refuses a missing or malformed purpose or case, and audits each refusal', async () => {
    const c = await rig.as('deputy');
    const bad = [
      {},
      { purpose: 'browsing', case: 'CR26-100' },
      { purpose: 'criminal_investigation', case: 'x' },
      { case: '; DROP TABLE reads' },
    ];
    for (const p of bad) await expect(c.call('searchReads', { ...p, ...WINDOW })).rejects.toThrow(AccessDeniedError);
    const refusals = audit().filter((e) => e.action === 'search');
    expect(refusals.map((e) => [e.outcome, e.username])).toEqual(bad.map(() => ['refused', 'deputy']));
    expect(refusals.map((e) => e.detail.reason)).toEqual([
      expect.stringMatching(/purpose is required/),
      expect.stringMatching(/"browsing" is not a purpose category/),
      expect.stringMatching(/"x" is not a case or incident number/),
      expect.stringMatching(/purpose is required/),
    ]);
  });

  it('ends a session after access.session_minutes without use, on the daemon clock', async () => {
    const c = await rig.as('deputy');
    rig.clock.advance(29 * 60_000);
    await expect(c.call('listHits', { ...PURPOSE, ...WINDOW })).resolves.toBeDefined();
    rig.clock.advance(29 * 60_000);
    await expect(c.call('listHits', { ...PURPOSE, ...WINDOW })).resolves.toBeDefined();
    rig.clock.advance(30 * 60_000 + 1);
    await expect(c.call('listHits', { ...PURPOSE, ...WINDOW })).rejects.toThrow(/session expired/);
  });

  it('refuses every governed route without a token, and a token after logout', async () => {
    const anon = new ApiClient(rig.socket);
    await expect(anon.call('searchReads', { ...PURPOSE, ...WINDOW })).rejects.toThrow(/not logged in/);
    const c = await rig.as('deputy');
    const token = (c as unknown as { token: string }).token;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    await c.logout();
    (c as unknown as { token: string }).token = token;
    await expect(c.call('listHits', { ...PURPOSE, ...WINDOW })).rejects.toThrow(/not logged in/);
  });

  it('locks an account after repeated wrong passwords, even against the right one, and audits it', async () => {
    const c = new ApiClient(rig.socket);
    for (let i = 1; i < 5; i++)
      await expect(c.login('deputy', 'wrong password!')).rejects.toThrow(/wrong user name or password/);
    // One answer whatever the reason: the lock is not revealed to whoever is guessing.
    await expect(c.login('deputy', 'wrong password!')).rejects.toThrow(/^wrong user name or password$/);
    await expect(c.login('deputy', PASSWORD)).rejects.toThrow(/^wrong user name or password$/);
    expect(audit().filter((e) => e.action === 'lockout')).toHaveLength(1);
    expect(audit().at(-1)).toMatchObject({ action: 'login', outcome: 'refused', detail: { reason: 'account locked' } });
    expect(audit().filter((e) => e.action === 'login' && e.outcome === 'refused')).toHaveLength(6);
    rig.clock.advance(15 * 60_000 + 1);
    await expect(c.login('deputy', PASSWORD)).resolves.toMatchObject({ user: 'deputy', role: 'operator' });
  });

  it('serves an OpenAPI 3.1 document listing every route', async () => {
    const doc = (await new ApiClient(rig.socket).call('openapi', undefined)) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const spec of Object.values(API_ROUTES)) {
      const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect([path, Object.keys(doc.paths[path] ?? {})]).toEqual([
        path,
        expect.arrayContaining([spec.method.toLowerCase()]),
      ]);
    }
    expect(doc.paths['/api/reads/search']!.post).toMatchObject({
      requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
    });
  });

  it('refuses to start on a socket another daemon answers on, and replaces one left by a dead daemon', async () => {
    const build = (socket: string): ApiServer =>
      buildApiServer(
        {
          api: apiConfigSchema.parse({ socket }),
          access: defaultAccessConfig,
          retention: defaultRetentionConfig,
          unit: { id: 'unit-1', name: '', agency: 'x', mobile: false },
          storage: storageConfigSchema.parse({ path: rig.t.dir }),
        },
        { db: rig.t.db, clock: rig.clock, log: silentLogger() },
      );
    await expect(build(rig.socket).start(new AbortController().signal)).rejects.toThrow(/another process answers/);

    // A daemon killed with SIGKILL leaves its socket file behind, answering nobody.
    const stale = join(rig.t.dir, 'stale.sock');
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`,
    ]);
    await once(child.stdout!, 'data');
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(lstatSync(stale).isSocket()).toBe(true);
    const next = build(stale);
    await next.start(new AbortController().signal);
    try {
      expect((statSync(stale).mode & 0o777).toString(8)).toBe('660');
      await expect((await loginAt(stale)).call('listUsers', {})).resolves.toMatchObject({ users: expect.any(Array) });
    } finally {
      await next.stop();
    }
  });

  it('gives the socket the configured group, and refuses to start with a group the system does not have', async () => {
    const build = (socket: string, group: string): ApiServer =>
      buildApiServer(
        {
          api: apiConfigSchema.parse({ socket, group }),
          access: defaultAccessConfig,
          retention: defaultRetentionConfig,
          unit: { id: 'unit-1', name: '', agency: 'x', mobile: false },
          storage: storageConfigSchema.parse({ path: rig.t.dir }),
        },
        { db: rig.t.db, clock: rig.clock, log: silentLogger() },
      );
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((l) => /^(users|nogroup|daemon):/.test(l));
    if (!line) {
      console.log('skipped the api.group check: none of users, nogroup, daemon is in /etc/group');
      return;
    }
    const [name, , gid] = line.split(':');
    const socket = join(rig.t.dir, 'grouped.sock');
    const grouped = build(socket, name!);
    await grouped.start(new AbortController().signal);
    try {
      expect({ gid: statSync(socket).gid, mode: statSync(socket).mode & 0o777 }).toEqual({
        gid: Number(gid),
        mode: 0o660,
      });
    } finally {
      await grouped.stop();
    }
    const wrong = join(rig.t.dir, 'x.sock');
    await expect(build(wrong, 'no-such-group-here').start(new AbortController().signal)).rejects.toThrow(
      'api.group "no-such-group-here" is not a group on this system (see /etc/group)',
    );
    expect(existsSync(wrong)).toBe(false);
  });
});

async function loginAt(socket: string): Promise<ApiClient> {
  const c = new ApiClient(socket);
  await c.login('chief', PASSWORD);
  return c;
}
