import { Lifecycle } from '../lifecycle/lifecycle.js';
import { SdNotify } from '../lifecycle/sd-notify.js';
import { installSignalHandlers } from '../lifecycle/shutdown.js';
import { systemClock } from '../shared/clock.js';
import { ConfigError, EXIT_CONFIG } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { stripCredentials } from '../shared/redact.js';
import { type DispatchConfig, loadDispatchConfig } from './config.js';
import { buildDispatchConsole } from '../compose-dispatch.js';

export const DEFAULT_DISPATCH_CONFIG = '/etc/alpr-edge/dispatch.yaml';

/** `alpr-edge dispatch [--config FILE]`: the dispatch console's main (a service of its own, not on a unit). */
export async function runDispatch(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      `usage: alpr-edge dispatch [--config FILE]   (default ${DEFAULT_DISPATCH_CONFIG})\n\n` +
        "Runs the dispatch console: every unit's hits, status and health from the broker, and the page\n" +
        'in dispatch mode (docs/web-page.md, config/dispatch.example.yaml). Its users are managed with\n' +
        "`alpr-edge users ... --config FILE` through the console's API socket.\n",
    );
    return;
  }
  const i = args.findIndex((a) => a === '--config' || a.startsWith('--config='));
  const arg = i < 0 ? undefined : args[i]!;
  const file = arg === undefined ? DEFAULT_DISPATCH_CONFIG : arg.includes('=') ? arg.slice(9) : (args[i + 1] ?? '');
  let config: DispatchConfig;
  try {
    config = loadDispatchConfig(file);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [`${file}: ${(err as Error).message}`];
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.stderr.write('alpr-edge dispatch: refusing to start with an invalid config\n');
    process.exit(EXIT_CONFIG);
  }
  const log = createLogger('info').child({ component: 'dispatch' });
  const sd = new SdNotify(log.child({ component: 'systemd' }));
  const lifecycle = new Lifecycle(log.child({ component: 'lifecycle' }));
  const abort = new AbortController();
  installSignalHandlers({
    log,
    deadlineMs: 20_000,
    stop: async (reason) => {
      sd.stopping();
      abort.abort(new Error(`stopping: ${reason}`));
      await lifecycle.stop();
      sd.close();
      log.info('stopped');
      log.flush();
    },
  });
  try {
    const built = buildDispatchConsole(config, { clock: systemClock, log });
    await lifecycle.start(built.services, abort.signal);
  } catch (err) {
    const e = err as Error;
    log.fatal({ err: stripCredentials(e.message) }, 'could not start');
    if (e instanceof ConfigError) for (const p of e.problems) process.stderr.write(`alpr-edge dispatch: ${p}\n`);
    await lifecycle.stop();
    log.flush();
    process.exit(e instanceof ConfigError ? EXIT_CONFIG : 1);
  }
  log.info({ console: config.console.id, broker: stripCredentials(config.broker.url) }, 'dispatch console started');
  sd.ready();
}
