import { runCli } from './cli/main.js';

// `alpr-edge` with no command, or `alpr-edge run`, starts the daemon; anything else is a CLI command.
const argv = process.argv.slice(2);
if (argv.length === 0 || argv[0] === 'run' || argv[0]?.startsWith('--config')) {
  const { runDaemon } = await import('./main.js');
  await runDaemon(argv[0] === 'run' ? argv.slice(1) : argv);
} else if (argv[0] === 'dispatch') {
  // The dispatch console: a process of its own at the dispatch centre, with its own database.
  const { runDispatch } = await import('./dispatch/main.js');
  await runDispatch(argv.slice(1));
} else {
  process.exitCode = await runCli(argv);
}
