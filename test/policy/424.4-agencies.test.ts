import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiClient } from '../../daemon/cli/api-client.js';
import { runCli } from '../../daemon/cli/main.js';
import { AuditLog } from '../../daemon/store/audit-log.js';
import { ReleaseStore } from '../../daemon/store/releases.js';
import { startApi, type ApiRig } from '../api/api-fixture.js';
import { DAY, NOW, addRead, addUser, fakeIo } from './fixture.js';

// Policy 424.4: an agency's level comes from a registry the administrator keeps, a release names
// the export or hold that left, and a federal release (or an export of a case released
// federally) waits for a County Attorney notification that is neither in the future nor before
// the case's first access. Proved through the daemon's API and the CLI.
describe('424.4 agency registry and releases', () => {
  let rig: ApiRig;
  let chief: ApiClient;
  let deputy: ApiClient;
  const CASE = { purpose: 'criminal_investigation', case: 'CR26-0500' };
  const release = { officer: 'SA Rivera', legal_basis: 'grand jury subpoena', what: '2 reads' };
  let holdId: number;
  beforeEach(async () => {
    rig = await startApi();
    await addUser(rig.t.db, 'chief', 'administrator');
    await addUser(rig.t.db, 'deputy', 'operator');
    const read = addRead(rig.t.db, { plate: 'ABC123', at: NOW - DAY });
    rig.clock.advance(-3_600_000); // the case is first accessed an hour ago
    holdId = (await (await rig.as('deputy')).call('createHold', { ...CASE, reason: 'bank robbery', read_ids: [read] }))
      .hold.id;
    rig.clock.advance(3_600_000);
    chief = await rig.as('chief');
    deputy = await rig.as('deputy');
    await chief.call('addAgency', { name: 'FBI', level: 'federal' });
    await chief.call('addAgency', { name: 'Idaho Springs PD', level: 'local' });
  });
  afterEach(() => rig.close());

  const refused = () =>
    new AuditLog(rig.t.db)
      .between(0, NOW + 1)
      .filter((e) => e.outcome === 'refused')
      .map((e) => [e.action, String(e.detail.reason)]);

  it('keeps the registry to administrators and fixes each level there', async () => {
    await expect(deputy.call('addAgency', { name: 'DEA', level: 'local' })).rejects.toThrow(
      /operator role may not agency manage/,
    );
    await expect(chief.call('addAgency', { name: 'fbi', level: 'local' })).rejects.toThrow(
      /"FBI" is already registered \(federal\)/,
    );
    expect((await deputy.call('listAgencies', {})).agencies.map((a) => [a.name, a.level])).toEqual([
      ['FBI', 'federal'],
      ['Idaho Springs PD', 'local'],
    ]);
  });

  it('refuses a release to an unregistered agency and a level typed by the user', async () => {
    await expect(deputy.call('addRelease', { ...CASE, ...release, agency: 'DEA', hold_id: holdId })).rejects.toThrow(
      /agency "DEA" is not in the agency registry/,
    );
    const typed = { ...CASE, ...release, agency: 'FBI', level: 'local', hold_id: holdId } as never;
    await expect(deputy.call('addRelease', typed)).rejects.toThrow(/Unrecognized key.*level/);
    expect(refused()).toEqual([['release', expect.stringMatching(/not in the agency registry/)]]);
  });

  it('refuses a release that names no export or hold, or one of another case', async () => {
    await expect(deputy.call('addRelease', { ...CASE, ...release, agency: 'Idaho Springs PD' })).rejects.toThrow(
      /names the data that left: --export EXPORT_ID .* or --hold HOLD_ID/,
    );
    await expect(
      deputy.call('addRelease', {
        ...CASE,
        case: 'CR26-9999',
        ...release,
        agency: 'Idaho Springs PD',
        hold_id: holdId,
      }),
    ).rejects.toThrow(`hold ${holdId} is of case CR26-0500, not CR26-9999`);
    await expect(
      deputy.call('addRelease', { ...CASE, ...release, agency: 'Idaho Springs PD', export_id: 'made-up' }),
    ).rejects.toThrow(/no evidence export made-up/);
    const local = await deputy.call('addRelease', { ...CASE, ...release, agency: 'Idaho Springs PD', hold_id: holdId });
    expect(local.release).toMatchObject({ agencyLevel: 'local', holdId });
  });

  it('refuses a federal release until a notification that stands, then records it with the registry level', async () => {
    const fbi = { ...CASE, ...release, agency: 'FBI', hold_id: holdId };
    await expect(deputy.call('addRelease', fbi)).rejects.toThrow(/County Attorney notified first/);
    await expect(
      deputy.call('addRelease', { ...fbi, attorney_notified_by: 'Sgt. Lee', attorney_notified_at: '1970-01-01' }),
    ).rejects.toThrow(/1970-01-01T00:00:00.000Z is before the case's first access/);
    await expect(
      deputy.call(
        'attorneyNotification',
        { notified_by: 'Sgt. Lee', notified_at: NOW + 60_000 },
        { case: 'CR26-0500' },
      ),
    ).rejects.toThrow(/is in the future/);
    expect(new ReleaseStore(rig.t.db).between(0, NOW + 1)).toEqual([]);

    await deputy.call('attorneyNotification', { notified_by: 'Sgt. Lee', notified_at: '-30m' }, { case: 'CR26-0500' });
    const r = (await deputy.call('addRelease', fbi)).release;
    expect(r).toMatchObject({ agency: 'FBI', agencyLevel: 'federal', attorneyNotifiedBy: 'Sgt. Lee' });
    expect(r.attorneyNotifiedAt).toBe(NOW - 30 * 60_000);
  });

  it('refuses an export of a case released federally without a notification that stands', async () => {
    // A federal release recorded before the registry, with the 1970 notification it accepted.
    rig.t.db
      .prepare(`INSERT INTO releases (at, recorded_by, agency, agency_level, requesting_officer, legal_basis, case_number, purpose_category, what, attorney_notified_by, attorney_notified_at)
        VALUES (?, 'deputy', 'FBI', 'federal', 'SA', 'x', 'CR26-0500', 'criminal_investigation', 'x', 'x', 0)`)
      .run(NOW - 1000);
    const usb = join(rig.t.dir, 'usb');
    mkdirSync(usb);
    await expect(
      deputy.call('exportEvidence', { ...CASE, destination: usb, plain_reason: 'copy for the court' }),
    ).rejects.toThrow(/case CR26-0500 was released to a federal agency: .*County Attorney notified first/);
    await deputy.call('attorneyNotification', { notified_by: 'Sgt. Lee', notified_at: '-10m' }, { case: 'CR26-0500' });
    await expect(
      deputy.call('exportEvidence', { ...CASE, destination: usb, plain_reason: 'copy for the court' }),
    ).resolves.toMatchObject({ reads: 1 });
  });

  it('registers agencies and records a notification from the CLI', async () => {
    const cli = async (args: string[], user: string) => {
      const io = fakeIo(['correct horse battery']);
      const code = await runCli([...args, '--user', user, '--socket', rig.socket], io);
      return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
    };
    expect((await cli(['agencies', 'add', 'U.S.', 'Marshals', '--level', 'federal'], 'chief')).out).toBe(
      'agency "U.S. Marshals" registered as federal',
    );
    expect((await cli(['agencies', 'list'], 'deputy')).out).toMatch(/U\.S\. Marshals\s+federal/);
    expect(
      (await cli(['releases', 'notify', '--case', 'CR26-0500', '--notified-by', 'Sgt. Lee', '--at', '-5m'], 'deputy'))
        .out,
    ).toMatch(/County Attorney notification of case CR26-0500 recorded: by Sgt. Lee/);
    const add = await cli(
      [
        'releases',
        'add',
        '--agency',
        'U.S. Marshals',
        '--hold',
        String(holdId),
        '--officer',
        'DUSM Cole',
        '--legal-basis',
        'warrant',
        '--what',
        '1 read',
        '--case',
        'CR26-0500',
        '--purpose',
        'criminal_investigation',
      ],
      'deputy',
    );
    expect(add.out).toMatch(/to U\.S\. Marshals \(federal\)/);
  });
});
