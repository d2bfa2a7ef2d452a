import { BUREAU_NOT_AUTHORIZED, WEB_PATHS } from '../../daemon/api/web-constants.js';
import type { WebServer } from '../../daemon/api/web/web-server.js';
import { NOT_AUTHORIZED_TEXT } from '../../daemon/access/page-access.js';
import { runCli } from '../../daemon/cli/main.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { PageClient, startWebServer } from '../web/web-rig.js';
import { addRead, addUser, DAY, fakeIo, NOW, PASSWORD } from './fixture.js';

/**
 * Policy 424.3(g): no operator may access the Colorado Bureau of Investigation's data unless
 * authorized. An administrator records the authorization per user (date, optional expiry); the
 * entry's reason, NIC, ORI, notes and vehicle leave the daemon only for users holding it, on the
 * page and through the CLI. Others see the plate, the category and "bureau details: not authorized".
 */
describe('424.3(g) CBI data only for those authorized', () => {
  let rig: ApiRig;
  let web: { server: WebServer; url: string };
  let hitId: string;

  const cli = async (args: string[]) => {
    const io = fakeIo([PASSWORD]);
    const code = await runCli([...args, '--socket', rig.socket], io);
    return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
  };
  const hitsList = (user: string) =>
    cli([
      'hits',
      'list',
      '--from',
      '-2d',
      '--to',
      'now',
      '--purpose',
      'patrol_operation',
      '--case',
      'SHIFT-77',
      '--user',
      user,
    ]);
  const pageHits = async (user: string) => {
    const c = new PageClient(web.url);
    await c.login(user);
    const r = await c.call('GET', `${WEB_PATHS.hits}?limit=10`);
    expect(r.status).toBe(200);
    return { text: JSON.stringify(r.json), hits: r.json.hits as { id: string; bureau: Record<string, unknown> }[] };
  };

  beforeEach(async () => {
    rig = await startApi();
    web = await startWebServer(rig.t.db, rig.clock);
    await addUser(rig.t.db, 'chief', 'administrator');
    await addUser(rig.t.db, 'deputy', 'operator');
    await addUser(rig.t.db, 'clerk', 'operator');
    const readId = addRead(rig.t.db, { plate: 'STOLEN1', at: NOW - DAY / 2 });
    hitId = `hit-${readId}`;
    const entry = {
      plate: 'STOLEN1',
      source: 'CBI',
      nic: 'V123456789',
      ori: 'CO0030000',
      notes: 'armed, use caution',
      caseNumber: 'CR-9',
    };
    rig.t.db
      .prepare(`INSERT INTO hits (id, read_id, created_at, camera_id, plate, state, category, reason, entry_json, match_kind)
        VALUES (?, ?, ?, 'front', 'STOLEN1', 'CO', 'stolen_vehicle', 'NCIC stolen 2019 Subaru', ?, 'exact')`)
      .run(hitId, readId, NOW - DAY / 2, JSON.stringify(entry));
  });
  afterEach(async () => {
    await web.server.stop();
    await rig.close();
  });

  it('says the same words on the page and in the CLI', () => {
    expect(NOT_AUTHORIZED_TEXT).toBe(BUREAU_NOT_AUTHORIZED);
  });

  it('gives a user without the authorization the plate and category, never the bureau details', async () => {
    const page = await pageHits('clerk');
    expect(page.hits).toEqual([
      expect.objectContaining({
        id: hitId,
        plate: 'STOLEN1',
        category: 'stolen_vehicle',
        bureau: { authorized: false },
      }),
    ]);
    expect(page.text).not.toMatch(/NCIC stolen|V123456789|CO0030000|armed|CR-9/);
    const out = await hitsList('clerk');
    expect(out.code).toBe(0);
    expect(out.out).toMatch(/STOLEN1\s+stolen_vehicle\s+bureau details: not authorized/);
    expect(out.out).not.toMatch(/NCIC stolen/);
  });

  it('gives the bureau details to a user an administrator authorized, until it is revoked, and audits both', async () => {
    const grant = await cli(['users', 'cbi-grant', 'deputy', '--user', 'chief']);
    expect(grant).toMatchObject({
      code: 0,
      out: expect.stringMatching(/deputy may see CBI data from .* \(no expiry\)/),
    });
    const list = (await cli(['users', 'list', '--user', 'chief'])).out;
    expect(list).toMatch(/CBI DATA/);
    expect(list).toMatch(/^deputy\s.*\syes\s+active$/m);
    expect(list).toMatch(/^clerk\s.*\sno\s+active$/m);
    const page = await pageHits('deputy');
    expect(page.hits[0]!.bureau).toEqual({
      authorized: true,
      reason: 'NCIC stolen 2019 Subaru',
      source: 'CBI',
      nic: 'V123456789',
      ori: 'CO0030000',
      notes: 'armed, use caution',
      vehicle: null,
      case_number: 'CR-9',
    });
    expect((await hitsList('deputy')).out).toMatch(/NCIC stolen 2019 Subaru/);

    expect((await cli(['users', 'cbi-revoke', 'deputy', '--user', 'chief'])).code).toBe(0);
    expect((await pageHits('deputy')).hits[0]!.bureau).toEqual({ authorized: false });
    expect((await hitsList('deputy')).out).not.toMatch(/NCIC stolen/);
    const admin = new AuditLog(rig.t.db)
      .between(0, Number.MAX_SAFE_INTEGER)
      .filter((e) => e.action === 'users_manage' && e.outcome === 'allowed' && /^cbi_/.test(String(e.query.kind)));
    expect(admin.map((e) => [e.username, e.query.kind, e.query.username])).toEqual([
      ['chief', 'cbi_grant', 'deputy'],
      ['chief', 'cbi_revoke', 'deputy'],
    ]);
  });

  it('leaves the reason and notes of list entries out of `hotlist list` for a user without it', async () => {
    const io = fakeIo([PASSWORD]);
    const add = [
      'hotlist',
      'add',
      '--socket',
      rig.socket,
      '--user',
      'deputy',
      '--plate',
      'BOLO77',
      '--category',
      'bolo',
    ];
    const more = ['--reason', 'NCIC wanted driver', '--notes', 'armed', '--purpose', 'criminal_investigation'];
    expect(await runCli([...add, ...more, '--case', 'CR-10', '--days', '1'], io)).toBe(0);
    const clerk = await cli(['hotlist', 'list', '--json', '--user', 'clerk']);
    expect(clerk.code).toBe(0);
    expect(clerk.out).toMatch(/BOLO77/);
    expect(clerk.out).toMatch(/bureau details: not authorized/);
    expect(clerk.out).not.toMatch(/NCIC wanted driver|armed/);
    expect((await cli(['users', 'cbi-grant', 'clerk', '--user', 'chief'])).code).toBe(0);
    expect((await cli(['hotlist', 'list', '--json', '--user', 'clerk'])).out).toMatch(/NCIC wanted driver/);
  });

  it('ends the authorization after its last day', async () => {
    const lastDay = new Date(NOW + 2 * DAY).toISOString().slice(0, 10);
    expect((await cli(['users', 'cbi-grant', 'deputy', '--expires-on', lastDay, '--user', 'chief'])).code).toBe(0);
    expect((await pageHits('deputy')).hits[0]!.bureau.authorized).toBe(true);
    rig.clock.advance(3 * DAY);
    expect((await pageHits('deputy')).hits[0]!.bureau).toEqual({ authorized: false });
  });

  it('lets only an administrator grant it, and audits the refusal', async () => {
    const r = await cli(['users', 'cbi-grant', 'clerk', '--user', 'deputy']);
    expect(r.code).toBe(77);
    expect(r.err).toMatch(/may not users manage/);
    const refused = new AuditLog(rig.t.db)
      .between(0, Number.MAX_SAFE_INTEGER)
      .filter((e) => e.action === 'users_manage' && e.outcome === 'refused');
    expect(refused).toHaveLength(1);
  });
});
