import { AGENCY_LEVELS } from '../api/contract.js';
import type { CliCommand } from './command.js';
import { COMMON_HELP, iso } from './format.js';
import { purposeFlags, withSession } from './session.js';

const HELP = `usage: alpr-edge releases add --agency NAME --level ${AGENCY_LEVELS.join('|')} --officer NAME
         --legal-basis TEXT --what TEXT --case N --purpose CAT [--package EXPORT_DIR_OR_ID]
         [--attorney-notified-by NAME --attorney-notified-at TIME]

Records a release of ALPR data to another agency or a prosecutor (policy 424.4, 424.5(d)):
the agency, the requesting officer, the legal basis, the case, and what was released. A release
to a FEDERAL agency (e.g. the U.S. Postal Inspection Service) is refused unless --purpose is
criminal_investigation and the County Attorney was notified first: give who notified them and
when. The record, or the refusal, is audited. Releases appear in "alpr-edge audit report".

${COMMON_HELP}`;

export const releasesCommand: CliCommand = {
  name: 'releases',
  summary: 'record a release of data to another agency (federal: County Attorney first)',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action !== 'add') throw new Error(`unknown action "${action ?? ''}" (see alpr-edge releases --help)`);
    const known = {
      values: [
        'agency',
        'level',
        'officer',
        'legal-basis',
        'what',
        'case',
        'purpose',
        'package',
        'attorney-notified-by',
        'attorney-notified-at',
      ],
    };
    return withSession(rest, io, known, async ({ api, values }) => {
      const level = AGENCY_LEVELS.find((l) => l === values.level);
      if (!level) throw new Error(`give --level ${AGENCY_LEVELS.join(', ')}`);
      const { release: r } = await api.call('addRelease', {
        ...purposeFlags(values),
        agency: values.agency ?? '',
        level,
        officer: values.officer ?? '',
        legal_basis: values['legal-basis'] ?? '',
        what: values.what ?? '',
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
