import { commands } from './registry.js';
import { processIo } from './io.js';
import { AccessDeniedError, ConfigError, EXIT_CONFIG } from '../shared/errors.js';
import { EXIT_DENIED } from './format.js';
import { DaemonUnavailableError, EXIT_UNAVAILABLE } from './api-client.js';
import type { CliIo } from './command.js';

/** Dispatches `alpr-edge <command> ...`; returns the exit status. `alpr-edge` alone (or `run`) starts the daemon. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out('usage: alpr-edge <command> [options]\n\ncommands:');
    io.out('  run                  start the daemon (the default under systemd); --config FILE');
    io.out('  dispatch             start the dispatch console (docs/web-page.md); --config dispatch.yaml');
    for (const c of commands) io.out(`  ${c.name.padEnd(20)} ${c.summary}`);
    io.out("\n`alpr-edge <command> --help` shows a command's options.");
    return name ? 0 : 64;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`alpr-edge: unknown command "${name}" (see alpr-edge --help)`);
    return 64;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) io.err(p);
      return EXIT_CONFIG;
    }
    if (err instanceof DaemonUnavailableError) {
      io.err(err.message);
      return EXIT_UNAVAILABLE;
    }
    // Refusals (role, training, purpose) are already audited where they were decided.
    if (err instanceof AccessDeniedError) {
      io.err(`refused: ${err.message}`);
      return EXIT_DENIED;
    }
    io.err(`alpr-edge ${name}: ${(err as Error).message}`);
    return 1;
  }
}
