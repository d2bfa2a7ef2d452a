import { z } from 'zod';

/**
 * Who may log in and for how long (policy 424.3(b),(e), 424.5(b)). Lockout and session limits are
 * bounded so a config typo cannot turn them off.
 */
export const accessConfigSchema = z
  .object({
    session_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30)
      .describe('Minutes a login session (HTTP API) stays valid after its last use.'),
    lockout_after_failures: z
      .number()
      .int()
      .min(1)
      .max(5, 'at most 5 failed logins before the lock (policy 424.5(b))')
      .default(5)
      .describe('Consecutive failed logins that lock an account (at most 5).'),
    lockout_minutes: z
      .number()
      .int()
      .min(10, 'an account stays locked at least 10 minutes')
      .max(24 * 60)
      .default(15)
      .describe('Minutes an account stays locked after too many failed logins (at least 10).'),
    min_password_length: z
      .number()
      .int()
      .min(12)
      .max(128)
      .default(12)
      .describe('Shortest password a user may set (at least 12); it must also not be guessable.'),
    training_valid_days: z
      .number()
      .int()
      .min(1)
      .max(730, 'training is valid at most 2 years (730 days)')
      .default(365)
      .describe('Longest a training record may stay valid, from its completion date (at most 730 days).'),
    training_warning_days: z
      .number()
      .int()
      .min(0)
      .max(365)
      .default(30)
      .describe('Days before a training record expires that the audit report starts listing the user.'),
    audit_retention_days: z
      .number()
      .int()
      .min(365)
      .max(36500)
      .default(3 * 365)
      .describe('Days the audit log is kept (never purged with reads; default 3 years).'),
    audit_key_file: z
      .string()
      .min(1)
      .optional()
      .describe(
        "File holding the audit log's 32-byte HMAC key. Leave unset on units: systemd hands the key over as the credential audit-key (LoadCredential=audit-key:/etc/alpr-edge/audit-key). Set it for development and tests.",
      ),
  })
  .strict()
  .prefault({})
  .describe('Users, logins and the audit log (policy 424.3(b),(e), 424.5(b),(e)).');

export type AccessConfig = z.infer<typeof accessConfigSchema>;

/** The defaults, for tests and for CLI runs without a config file (`--db`). */
export const defaultAccessConfig: AccessConfig = accessConfigSchema.parse(undefined);
