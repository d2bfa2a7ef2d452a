import { AuditLog } from '../../daemon/store/audit-log.js';
import { ApiClient } from '../../daemon/cli/api-client.js';
import { runCli } from '../../daemon/cli/main.js';
import { ConfigError } from '../../daemon/shared/errors.js';
import { parseConfigText } from '../../daemon/config/load.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { NOW, addUser, fakeIo } from './fixture.js';

// Policy 424.3(b): one named person per account, passwords they chose and nobody can guess, and
// lockout limits a config cannot loosen. Proved through the daemon's API and the CLI.
describe('424.3(b) identity: one person per account', () => {
  let rig: ApiRig;
  let admin: ApiClient;
  const FIRST = 'issued by the chief 7';
  beforeEach(async () => {
    rig = await startApi();
    await addUser(rig.t.db, 'chief', 'administrator');
    admin = await rig.as('chief');
  });
  afterEach(() => rig.close());

  const audit = () => new AuditLog(rig.t.db).between(0, NOW + 1);
  const add = (over: Partial<{ username: string; full_name: string; employee_number: string; password: string }>) =>
    admin.call('addUser', {
      username: 'rsmith',
      full_name: 'Rob Smith',
      employee_number: 'E-1041',
      role: 'operator',
      password: FIRST,
      ...over,
    });

  it('refuses a shared account with the rule in its words, and audits the refusal', async () => {
    await expect(add({ username: 'car12', full_name: 'Patrol Car 12 (shared)' })).rejects.toThrow(
      /"Patrol Car 12 \(shared\)" names a shared account.*one person per account \(policy 424\.3\(b\)\)/,
    );
    await expect(add({ username: 'pool1', full_name: 'Pool Account' })).rejects.toThrow(/names a shared account/);
    await expect(add({ full_name: 'Smith' })).rejects.toThrow(/"Smith" is not a full name/);
    const refused = audit().filter((e) => e.action === 'users_manage' && e.outcome === 'refused');
    expect(refused).toHaveLength(3);
    expect(refused[0]!.detail.reason).toMatch(/shared account/);
    expect((await admin.call('listUsers', {})).users.map((u) => u.username)).toEqual(['chief']);
  });

  it('refuses a second account for the same employee number', async () => {
    await add({});
    await expect(add({ username: 'rsmith2', full_name: 'Robert Smith' })).rejects.toThrow(
      /employee number E-1041 already belongs to rsmith/,
    );
  });

  it('refuses weak and common passwords, saying why', async () => {
    await expect(add({ password: 'Password1234' })).rejects.toThrow(/password refused: a common password/);
    await expect(add({ password: 'short pw 1' })).rejects.toThrow(/password refused: too short/);
    await expect(add({ password: 'Rob Smith 2026' })).rejects.toThrow(/contains your name/);
    expect(audit().filter((e) => e.action === 'users_manage' && e.outcome === 'refused')).toHaveLength(3);
  });

  it('makes a user change a password an administrator set before anything else works', async () => {
    await add({});
    const c = new ApiClient(rig.socket);
    expect(await c.login('rsmith', FIRST)).toMatchObject({ must_change_password: true });
    await expect(c.call('listHolds', {})).rejects.toThrow(/must change password/);
    expect(audit().at(-1)).toMatchObject({
      username: 'rsmith',
      action: 'api_request',
      outcome: 'refused',
      query: { route: 'listHolds' },
    });
    await expect(c.call('changeOwnPassword', { current_password: 'not it at all', new_password: 'x' })).rejects.toThrow(
      /current password is wrong/,
    );
    await expect(
      c.call('changeOwnPassword', { current_password: FIRST, new_password: 'Password1234' }),
    ).rejects.toThrow(/a common password/);
    await c.call('changeOwnPassword', { current_password: FIRST, new_password: 'Traffic-Lamp-Orbit-9' });
    const again = new ApiClient(rig.socket);
    expect(await again.login('rsmith', 'Traffic-Lamp-Orbit-9')).toMatchObject({ must_change_password: false });
    await expect(again.call('listHolds', {})).rejects.toThrow(/no ALPR training/);

    // A reset by the administrator forces a change again.
    await admin.call('setPassword', { password: 'reset by the chief 9' }, { name: 'rsmith' });
    expect(await new ApiClient(rig.socket).login('rsmith', 'reset by the chief 9')).toMatchObject({
      must_change_password: true,
    });
  });

  it('lets a user change their own password with `users passwd`', async () => {
    await addUser(rig.t.db, 'deputy', 'operator');
    const io = fakeIo(['correct horse battery', 'Password1234', 'Password1234']);
    expect(await runCli(['users', 'passwd', '--user', 'deputy', '--socket', rig.socket], io)).toBe(77);
    expect(io.errors.join('\n')).toMatch(/a common password/);
    const ok = fakeIo(['correct horse battery', 'Traffic-Lamp-Orbit-9', 'Traffic-Lamp-Orbit-9']);
    expect(await runCli(['users', 'passwd', '--user', 'deputy', '--socket', rig.socket], ok)).toBe(0);
    expect(ok.lines).toEqual(['your password was changed']);
    await expect(new ApiClient(rig.socket).login('deputy', 'Traffic-Lamp-Orbit-9')).resolves.toBeDefined();
  });

  it('lists an older account without an employee number, flags it in the audit report, and lets one be given', async () => {
    await addUser(rig.t.db, 'oldtimer', 'auditor');
    rig.t.db.prepare("UPDATE users SET employee_number = NULL WHERE username = 'oldtimer'").run();
    const io = fakeIo(['correct horse battery']);
    expect(await runCli(['users', 'list', '--user', 'chief', '--socket', rig.socket], io)).toBe(0);
    expect(io.lines.find((l) => l.startsWith('oldtimer'))).toMatch(/employee number missing/);
    const report = (await admin.call('auditReport', { from: NOW - 1000, to: NOW })).report;
    expect(report.identity_incomplete).toEqual([
      expect.objectContaining({ username: 'oldtimer', problem: 'employee number missing' }),
    ]);
    await admin.call('setIdentity', { employee_number: 'E-7' }, { name: 'oldtimer' });
    expect((await admin.call('auditReport', { from: NOW - 1000, to: NOW })).report.identity_incomplete).toEqual([]);
  });
});

describe('424.3(b) lockout limits in the config', () => {
  const base =
    'unit:\n  id: unit-1\ncameras:\n  - { id: front, name: Front, url: rtsp://10.0.0.5/s, location: { lat: 39.7, lon: -105.5 } }\naccess:\n';
  const problems = (text: string): string[] => {
    try {
      parseConfigText(text, 'unit.yaml', { get: () => undefined });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    return [];
  };

  it('refuses more than 5 attempts or a lock under 10 minutes, naming the field', () => {
    expect(problems(`${base}  lockout_after_failures: 20\n`).join('\n')).toMatch(
      /access\.lockout_after_failures.*at most 5/,
    );
    expect(problems(`${base}  lockout_minutes: 1\n`).join('\n')).toMatch(/access\.lockout_minutes.*at least 10/);
    expect(problems(`${base}  training_valid_days: 3650\n`).join('\n')).toMatch(
      /access\.training_valid_days.*at most 2 years/,
    );
    expect(problems(`${base}  lockout_after_failures: 5\n  lockout_minutes: 10\n`)).toEqual([]);
  });
});
