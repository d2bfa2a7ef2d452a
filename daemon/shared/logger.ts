import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * JSON lines to stdout (journald keeps them), one child per component: `log.child({component:
 * 'camera', camera: 'front'})`. Data goes in fields, not in the message. Secret-looking fields, and plate
 * text unless `logPlates`, are redacted; URLs must already have passed through `stripCredentials`.
 */
export function createLogger(
  level = 'info',
  destination?: DestinationStream,
  opts: { logPlates?: boolean } = {},
): Logger {
  // Plate text in the journal is ALPR data outside the audited access path (policy 424.5(b)):
  // unless the unit is set to log plates, any `plate` field is removed from every line.
  const plates = opts.logPlates ? [] : ['plate', '*.plate'];
  return pino(
    {
      level,
      base: { service: 'alpr-edge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['password', '*.password', 'secret', '*.secret', 'token', '*.token', 'jpeg', '*.jpeg', ...plates],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
