/** A configuration the daemon cannot run with. main.ts exits 78 (EX_CONFIG) on it, and systemd does not restart. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    /** Every problem found, each already formatted as `file:line key.path: message`. */
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}

/** A model file that is missing, altered or of the wrong shape. Also exit 78: a restart cannot fix it. */
export class ModelError extends Error {
  override name = 'ModelError';
}

/** The caller may not do this (role, training, purpose). Carries a reason fit to show a person. */
export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
}

export const EXIT_CONFIG = 78;
