import { runCli } from './cli/main.js';

// `alpr-edge` with no command, or `alpr-edge run`, starts the daemon; anything else is a CLI command.
const argv = process.argv.slice(2);
if (argv.length === 0 || argv[0] === 'run' || argv[0]?.startsWith('--config')) {
  const { runDaemon } = await import('./main.js');
  await runDaemon(argv[0] === 'run' ? argv.slice(1) : argv);
} else {
  process.exitCode = await runCli(argv);
}
