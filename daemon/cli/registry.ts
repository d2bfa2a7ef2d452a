import type { CliCommand } from './command.js';
import { checkConfigCommand } from './check-config.js';
import { evalCommand } from './eval.js';

/** Every subcommand, in the order `--help` lists them. Add a line here for a new one. */
export const commands: CliCommand[] = [checkConfigCommand, evalCommand];
