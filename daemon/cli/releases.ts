import type { CliCommand } from './command.js';
import { COMMON_HELP, iso } from './format.js';
import { purposeFlags, withSession } from './session.js';

const HELP = `usage: alpr-edge releases add --agency NAME --officer NAME --legal-basis TEXT --what TEXT
         --case N --purpose CAT (--export EXPORT_ID | --hold HOLD_ID) [--package EXPORT_DIR]
         [--attorney-notified-by NAME --attorney-notified-at TIME]
       alpr-edge releases notify --case N --notified-by NAME --at TIME

Records a release of ALPR data to another agency or a prosecutor (policy 424.4, 424.5(d)):
the agency, the requesting officer, the legal basis, the case, what was released, and the
export or hold of the case it covers. The agency must be in the registry (alpr-edge agencies),
which fixes its level; the level is never typed here.

A release to a FEDERAL agency (e.g. the U.S. Postal Inspection Service) is refused unless
--purpose is criminal_investigation and the County Attorney notification is recorded first
("notify", or --attorney-notified-by/--attorney-notified-at on "add"), with a time that is not
in the future and not before the case's first access in the audit log. An evidence export of a
case released federally is refused the same way. The record, or the refusal, is audited.
Releases appear in "alpr-edge audit report".

${COMMON_HELP}`;

export const releasesCommand: CliCommand = {
  name: 'releases',
  summary: 'record a release of data to a registered agency (federal: County Attorney first)',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action !== 'add' && action !== 'notify')
      throw new Error(`unknown action "${action ?? ''}" (see alpr-edge releases --help)`);
    const known = {
      values: [
        'agency',
        'officer',
        'legal-basis',
        'what',
        'case',
        'purpose',
        'export',
        'hold',
        'package',
        'attorney-notified-by',
        'attorney-notified-at',
        'notified-by',
        'at',
      ],
    };
    return withSession(rest, io, known, async ({ api, values }) => {
      if (action === 'notify') {
        if (!values.case || !values['notified-by'] || !values.at)
          throw new Error('give --case N --notified-by NAME --at TIME');
        const n = await api.call(
          'attorneyNotification',
          { notified_by: values['notified-by'], notified_at: values.at },
          { case: values.case },
        );
        io.out(`County Attorney notification of case ${n.case} recorded: by ${n.notified_by} at ${iso(n.notified_at)}`);
        return 0;
      }
      const holdId = values.hold === undefined ? undefined : Number(values.hold);
      if (holdId !== undefined && !Number.isInteger(holdId)) throw new Error('--hold takes a hold id (a number)');
      const { release: r } = await api.call('addRelease', {
        ...purposeFlags(values),
        agency: values.agency ?? '',
        officer: values.officer ?? '',
        legal_basis: values['legal-basis'] ?? '',
        what: values.what ?? '',
        export_id: values.export,
        hold_id: holdId,
        package: values.package,
        attorney_notified_by: values['attorney-notified-by'],
        attorney_notified_at: values['attorney-notified-at'],
      });
      io.out(
        `release ${r.id} recorded: ${r.what} to ${r.agency} (${r.agencyLevel}), officer ${r.requestingOfficer}, case ${r.caseNumber}, at ${iso(r.at)}`,
      );
      return 0;
    });
  },
};
