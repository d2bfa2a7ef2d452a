import type { Logger } from '../shared/logger.js';

/**
 * The one place that listens for process signals (STYLE rule 4). First SIGTERM/SIGINT (or an
 * uncaught error): a graceful stop under `deadlineMs`. A second signal, or the deadline: exit 1.
 * SIGHUP calls `onReload` (hotlist refresh) and does not stop anything.
 */
export function installSignalHandlers(opts: {
  log: Logger;
  deadlineMs: number;
  stop: (reason: string) => Promise<void>;
  onReload?: () => void;
}): () => void {
  const { log, deadlineMs, stop, onReload } = opts;
  let stopping = false;

  const begin = (reason: string, code: number): void => {
    if (stopping) {
      log.warn({ reason }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ reason }, 'shutting down');
    // A raw timer, not the Clock: the deadline must fire even when the services' clock is faked or stuck.
    const timer = setTimeout(() => {
      log.error({ deadline_ms: deadlineMs }, 'graceful shutdown timed out: exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    stop(reason).then(
      () => {
        clearTimeout(timer);
        process.exitCode = code;
      },
      (err: unknown) => {
        log.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };

  const onTerm = (): void => begin('SIGTERM', 0);
  const onInt = (): void => begin('SIGINT', 0);
  const onHup = (): void => {
    log.info('SIGHUP: reloading hotlists');
    onReload?.();
  };
  const onFatal = (err: unknown): void => {
    log.fatal({ err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'uncaught error');
    begin('uncaught error', 1);
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  process.on('SIGHUP', onHup);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  return () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    process.off('SIGHUP', onHup);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
  };
}
