import { runCli } from '../../daemon/cli/main.js';
import { requireAuthorized, authorizeAudited } from '../../daemon/access/authorize.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { defaultAccessConfig } from '../../daemon/access/config.js';
import { Authenticator } from '../../daemon/access/authenticate.js';
import { Bootstrap } from '../../daemon/access/bootstrap.js';
import { UserStore } from '../../daemon/access/users.js';
import { PERMISSIONS } from '../../daemon/access/roles.js';
import { SessionTable } from '../../daemon/api/sessions.js';
import { ManualClock } from '../../daemon/shared/clock.js';
import { startApi } from '../api/api-fixture.js';
import { addUser, fakeIo, tempDb, NOW, PASSWORD } from './fixture.js';

// Policy 424.3(b): only authorized members of the office, each with their own login and role, reach the data.
describe('424.3(b) authorized users', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => (t = tempDb()));
  afterEach(() => t.close());

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
    await addUser(t.db, 'deputy', 'operator');
    const auth = new Authenticator(t.db, { ...defaultAccessConfig, lockout_after_failures: 3, lockout_minutes: 10 });
    for (let i = 0; i < 2; i++)
      await expect(auth.login('deputy', 'wrong wrong wrong', NOW)).rejects.toThrow('wrong user name');
    await expect(auth.login('deputy', 'wrong wrong wrong', NOW)).rejects.toThrow(/^wrong user name or password$/);
    await expect(auth.login('deputy', PASSWORD, NOW + 60_000)).rejects.toThrow(/^wrong user name or password$/);
    expect(new AuditLog(t.db).between(0, NOW + 3600_000).at(-1)?.detail).toMatchObject({ reason: 'account locked' });
    await expect(auth.login('deputy', PASSWORD, NOW + 11 * 60_000)).resolves.toMatchObject({ username: 'deputy' });
    const actions = new AuditLog(t.db).between(0, NOW + 3600_000).map((e) => e.action);
    expect(actions.filter((a) => a === 'lockout')).toHaveLength(1);
  });

  it('expires a session after the configured minutes without use', async () => {
    await addUser(t.db, 'deputy', 'operator');
    const auth = new Authenticator(t.db, defaultAccessConfig);
    const user = await auth.login('deputy', PASSWORD, NOW);
    const clock = new ManualClock(NOW);
    const sessions = new SessionTable(clock, 30);
    const { token } = sessions.open(user.id);
    const resume = (tok: string) => {
      const id = sessions.resume(tok);
      return id === undefined ? undefined : auth.currentUser(id, clock.now());
    };
    clock.advance(20 * 60_000);
    expect(resume(token)?.username).toBe('deputy');
    clock.advance(25 * 60_000);
    expect(resume(token)?.username).toBe('deputy'); // slid forward at 20 min
    clock.advance(35 * 60_000);
    expect(resume(token)).toBeUndefined();
    expect(resume('made-up')).toBeUndefined();
  });

  it('refuses a disabled user with the same words as a wrong password, and audits the real reason', async () => {
    const u = await addUser(t.db, 'deputy', 'operator');
    new UserStore(t.db).disable(u.id, NOW);
    await expect(new Authenticator(t.db, defaultAccessConfig).login('deputy', PASSWORD, NOW)).rejects.toThrow(
      /^wrong user name or password$/,
    );
    expect(new AuditLog(t.db).between(0, NOW + 1).at(-1)?.detail).toMatchObject({ reason: 'account disabled' });
  });

  it('gives each role only its own actions: a technician sees no read data, an auditor cannot search', async () => {
    const tech = await addUser(t.db, 'tech', 'technician');
    const auditor = await addUser(t.db, 'aud', 'auditor');
    const op = await addUser(t.db, 'op', 'operator');
    for (const action of ['search', 'view_hits', 'export', 'hold_list', 'audit_report'] as const) {
      expect(() => requireAuthorized(tech, action, NOW)).toThrow(/technician role may not/);
    }
    expect(() => requireAuthorized(auditor, 'search', NOW)).toThrow(/auditor role may not search/);
    expect(() => requireAuthorized(op, 'users_manage', NOW)).toThrow(/operator role may not users manage/);
    expect(() => requireAuthorized(op, 'search', NOW)).not.toThrow();
    expect(PERMISSIONS.records_manager.has('search')).toBe(false);
  });

  it('audits a refusal made through authorizeAudited', async () => {
    const tech = await addUser(t.db, 'tech', 'technician');
    expect(() => authorizeAudited(t.db, tech, 'hotlist_manage', NOW, { plate: 'ABC123' })).toThrow(/may not/);
    const [e] = new AuditLog(t.db).between(0, NOW + 1);
    expect(e).toMatchObject({ username: 'tech', action: 'hotlist_manage', outcome: 'refused' });
  });

  it('creates the first administrator only from the one-time secret, once, with no default password', async () => {
    const boot = new Bootstrap(t.db, t.dir);
    expect(
      await new Authenticator(t.db, defaultAccessConfig).login('admin', 'admin', NOW).catch((e: Error) => e.message),
    ).toMatch(/wrong/);
    const file = boot.ensureSecret(NOW)!;
    expect(file).toContain('bootstrap-secret');
    const secret = boot.readSecret()!;
    const base = {
      username: 'chief',
      fullName: 'Chief Deputy',
      employeeNumber: 'E-100',
      password: 'a long admin passphrase',
      minPasswordLength: 12,
    };
    await expect(boot.createFirstAdministrator({ ...base, secret: 'guess' }, NOW)).rejects.toThrow(/secret is wrong/);
    const admin = await boot.createFirstAdministrator({ ...base, secret }, NOW);
    expect(admin.role).toBe('administrator');
    expect(boot.readSecret()).toBeUndefined();
    await expect(boot.createFirstAdministrator({ ...base, username: 'second', secret }, NOW)).rejects.toThrow(
      /already has users/,
    );
    expect(boot.ensureSecret(NOW)).toBeUndefined();
  });
});
