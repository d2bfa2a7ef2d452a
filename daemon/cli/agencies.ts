import { AGENCY_LEVELS } from '../api/contract.js';
import type { CliCommand } from './command.js';
import { COMMON_HELP, iso, printTable } from './format.js';
import { withSession } from './session.js';

const HELP = `usage: alpr-edge agencies add NAME --level ${AGENCY_LEVELS.join('|')}
       alpr-edge agencies list

The agency registry (policy 424.4): each agency data may be released to, and its level. A
release names a registered agency and takes its level from here, so a federal agency cannot be
recorded as local. Administrators add agencies; every action is audited.

${COMMON_HELP}`;

export const agenciesCommand: CliCommand = {
  name: 'agencies',
  summary: 'the registry of agencies and their levels (administrator)',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    return withSession(rest, io, { values: ['level'] }, async ({ api, values, positional }) => {
      if (action === 'add') {
        const name = positional.join(' ').trim();
        const level = AGENCY_LEVELS.find((l) => l === values.level);
        if (!name || !level) throw new Error(`give the name and --level ${AGENCY_LEVELS.join('|')}`);
        const { agency: a } = await api.call('addAgency', { name, level });
        io.out(`agency "${a.name}" registered as ${a.level}`);
        return 0;
      }
      if (action === 'list') {
        const { agencies } = await api.call('listAgencies', {});
        printTable(
          io,
          ['AGENCY', 'LEVEL', 'ADDED', 'BY'],
          agencies.map((a) => [a.name, a.level, iso(a.addedAt), a.addedBy]),
        );
        return 0;
      }
      throw new Error(`unknown action "${action ?? ''}" (see alpr-edge agencies --help)`);
    });
  },
};
