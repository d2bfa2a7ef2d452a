import { existsSync, readFileSync } from 'node:fs';
import { runCli } from '../../daemon/cli/main.js';
import { ApiClient } from '../../daemon/cli/api-client.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { startApi } from '../api/api-fixture.js';
import { ApiDoor } from './api-door.js';
import { addUser, fakeIo, NOW, PASSWORD } from './fixture.js';

const CRIM = { category: 'criminal_investigation' as const, caseNumber: 'CR26-0100' };
const WINDOW = { from: 0, to: NOW };

// Policy 424.3(b): only authorized members of the office, each with their own login and role, reach the data.
describe('424.3(b) authorized users', () => {
  it('logs a user in with the password typed at the prompt and records the login', async () => {
    const rig = await startApi();
    try {
      await addUser(rig.t.db, 'deputy', 'operator');
      const io = fakeIo([PASSWORD]);
      const args = ['records', 'add', '--requester', 'J. Public', '--description', 'reads'];
      expect(await runCli([...args, '--user', 'deputy', '--socket', rig.socket], io)).toBe(0);
      expect(io.prompts).toEqual(['Password for deputy: ']);
      const entries = new AuditLog(rig.t.db).between(0, NOW + 1);
      expect(entries.map((e) => [e.action, e.outcome])).toEqual([
        ['login', 'allowed'],
        ['records_request_create', 'allowed'],
      ]);
      expect(entries[0]!.detail).toEqual({ via: 'api' });
    } finally {
      await rig.close();
    }
  });

  it('refuses a wrong password and an unknown user alike, and audits both', async () => {
    const rig = await startApi();
    try {
      await addUser(rig.t.db, 'deputy', 'operator');
      for (const [user, pw] of [
        ['deputy', 'nope nope nope'],
        ['ghost', PASSWORD],
      ] as const) {
        const io = fakeIo([pw]);
        expect(await runCli(['records', 'list', '--user', user, '--socket', rig.socket], io)).toBe(77);
        expect(io.errors).toEqual(['refused: wrong user name or password']);
      }
      expect(new AuditLog(rig.t.db).between(0, NOW + 1).map((e) => [e.username, e.action, e.outcome])).toEqual([
        ['deputy', 'login', 'refused'],
        ['ghost', 'login', 'refused'],
      ]);
    } finally {
      await rig.close();
    }
  });

  it('locks an account after repeated failures, even against the right password, until the lock ends', async () => {
    const rig = await startApi({ access: { lockout_after_failures: 3, lockout_minutes: 10 } });
    try {
      await addUser(rig.t.db, 'deputy', 'operator');
      const c = new ApiClient(rig.socket);
      for (let i = 0; i < 3; i++)
        await expect(c.login('deputy', 'wrong wrong wrong')).rejects.toThrow(/^wrong user name or password$/);
      rig.clock.advance(60_000);
      await expect(c.login('deputy', PASSWORD)).rejects.toThrow(/^wrong user name or password$/);
      const audit = new AuditLog(rig.t.db);
      expect(audit.between(0, NOW + 3600_000).at(-1)?.detail).toMatchObject({ reason: 'account locked' });
      rig.clock.advance(10 * 60_000);
      await expect(c.login('deputy', PASSWORD)).resolves.toMatchObject({ user: 'deputy' });
      const actions = audit.between(0, NOW + 3600_000).map((e) => e.action);
      expect(actions.filter((a) => a === 'lockout')).toHaveLength(1);
    } finally {
      await rig.close();
    }
  });

  it('expires a session after the configured minutes without use', async () => {
    const rig = await startApi({ access: { session_minutes: 30 } });
    try {
      const deputy = await addUser(rig.t.db, 'deputy', 'operator');
      const door = new ApiDoor(rig);
      await door.client(deputy);
      rig.clock.advance(20 * 60_000);
      await expect(door.listHits(deputy, CRIM, WINDOW)).resolves.toEqual([]);
      rig.clock.advance(25 * 60_000); // 45 minutes after login, 25 after the last use: slid forward at 20
      await expect(door.listHits(deputy, CRIM, WINDOW)).resolves.toEqual([]);
      rig.clock.advance(35 * 60_000);
      await expect(door.listHits(deputy, CRIM, WINDOW)).rejects.toThrow(/session expired/);
      await expect(new ApiClient(rig.socket).call('listHits', { ...WINDOW })).rejects.toThrow(/not logged in/);
    } finally {
      await rig.close();
    }
  });

  it('refuses a disabled user with the same words as a wrong password, and audits the real reason', async () => {
    const rig = await startApi();
    try {
      await addUser(rig.t.db, 'chief', 'administrator');
      await addUser(rig.t.db, 'deputy', 'operator');
      await (await rig.as('chief')).call('disableUser', {}, { name: 'deputy' });
      await expect(rig.as('deputy')).rejects.toThrow(/^wrong user name or password$/);
      expect(new AuditLog(rig.t.db).between(0, NOW + 1).at(-1)?.detail).toMatchObject({ reason: 'account disabled' });
    } finally {
      await rig.close();
    }
  });

  it('gives each role only its own actions: a technician sees no read data, an auditor cannot search', async () => {
    const rig = await startApi();
    try {
      const db = rig.t.db;
      const door = new ApiDoor(rig);
      const tech = await addUser(db, 'tech', 'technician');
      const auditor = await addUser(db, 'aud', 'auditor');
      const op = await addUser(db, 'op', 'operator');
      const records = await addUser(db, 'rm', 'records_manager');
      const t = await door.client(tech);
      for (const refused of [
        () => door.searchReads(tech, CRIM, WINDOW),
        () => door.listHits(tech, CRIM, WINDOW),
        () => t.call('exportEvidence', { purpose: CRIM.category, case: CRIM.caseNumber, plain_reason: 'court copy' }),
        () => t.call('listHolds', {}),
        () => t.call('auditReport', WINDOW),
      ])
        await expect(refused()).rejects.toThrow(/technician role may not/);
      await expect(door.searchReads(auditor, CRIM, WINDOW)).rejects.toThrow(/auditor role may not search/);
      await expect((await door.client(op)).call('listUsers', {})).rejects.toThrow(/operator role may not users manage/);
      await expect(door.searchReads(op, CRIM, WINDOW)).resolves.toMatchObject({ reads: [] });
      await expect(door.searchReads(records, CRIM, WINDOW)).rejects.toThrow(/records_manager role may not search/);
      expect(
        door
          .entries()
          .filter((e) => e.outcome === 'refused')
          .map((e) => [e.username, e.action]),
      ).toEqual([
        ['tech', 'search'],
        ['tech', 'view_hits'],
        ['tech', 'export'],
        ['tech', 'hold_list'],
        ['tech', 'audit_report'],
        ['aud', 'search'],
        ['op', 'users_manage'],
        ['rm', 'search'],
      ]);
    } finally {
      await rig.close();
    }
  });

  it('audits a refusal of a route outside AuditedAccess: a technician adding a hotlist entry', async () => {
    const rig = await startApi();
    try {
      await addUser(rig.t.db, 'tech', 'technician');
      const tech = await rig.as('tech');
      await expect(
        tech.call('addHotlistEntry', {
          ...{ purpose: CRIM.category, case: CRIM.caseNumber },
          plate: 'ABC123',
          category: 'stolen_vehicle',
          reason: 'test',
        }),
      ).rejects.toThrow(/may not/);
      const e = new AuditLog(rig.t.db).between(0, NOW + 1).at(-1);
      expect(e).toMatchObject({
        username: 'tech',
        action: 'hotlist_manage',
        outcome: 'refused',
        detail: { plate: 'ABC123', reason: expect.stringMatching(/technician role may not/) },
      });
    } finally {
      await rig.close();
    }
  });

  it('creates the first administrator only from the one-time secret, once, with no default password', async () => {
    const rig = await startApi();
    try {
      const anon = new ApiClient(rig.socket);
      await expect(anon.login('admin', 'admin')).rejects.toThrow(/wrong/);
      // The daemon wrote the secret to a file only the unit administrator can read.
      const issued = await anon.call('bootstrapSecret', {});
      expect(issued).toMatchObject({ needed: true, file: expect.stringContaining('bootstrap-secret') });
      const secret = readFileSync(issued.file!, 'utf8').trim();
      const base = {
        username: 'chief',
        full_name: 'Chief Deputy',
        employee_number: 'E-100',
        password: 'a long admin passphrase',
      };
      await expect(anon.call('bootstrap', { ...base, secret: 'guess' })).rejects.toThrow(/secret is wrong/);
      await expect(anon.call('bootstrap', { ...base, secret })).resolves.toEqual({ username: 'chief' });
      await expect(new ApiClient(rig.socket).login('chief', base.password)).resolves.toMatchObject({
        role: 'administrator',
      });
      expect(existsSync(issued.file!)).toBe(false);
      await expect(anon.call('bootstrap', { ...base, username: 'second', secret })).rejects.toThrow(
        /already has users/,
      );
      await expect(anon.call('bootstrapSecret', {})).resolves.toEqual({ needed: false });
    } finally {
      await rig.close();
    }
  });
});
