import type { CliCommand } from './command.js';
import { checkConfigCommand } from './check-config.js';
import { evalCommand } from './eval.js';
import { usersCommand } from './users.js';
import { searchCommand } from './search.js';
import { hitsCommand } from './hits.js';
import { holdsCommand } from './holds.js';
import { evidenceCommand } from './evidence.js';
import { releasesCommand } from './releases.js';
import { agenciesCommand } from './agencies.js';
import { recordsCommand } from './records.js';
import { auditCommand } from './audit.js';
import { hotlistCommand } from './hotlist.js';
import { unitCommand } from './unit.js';
import { webCommand } from './web.js';

/** Every subcommand, in the order `--help` lists them. Add a line here for a new one. */
export const commands: CliCommand[] = [
  checkConfigCommand,
  evalCommand,
  usersCommand,
  searchCommand,
  hitsCommand,
  holdsCommand,
  evidenceCommand,
  releasesCommand,
  agenciesCommand,
  recordsCommand,
  auditCommand,
  hotlistCommand,
  unitCommand,
  webCommand,
];
