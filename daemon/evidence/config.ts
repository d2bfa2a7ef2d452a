import { z } from 'zod';

/** Evidence packages (policy 424.4): the unit key that signs them. */
export const evidenceConfigSchema = z
  .object({
    unit_key_file: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The unit's Ed25519 private key (PEM) that signs evidence manifests; created (0600) on first start if missing. Unset: the systemd credential unit-key, else unit-key.pem in storage.path.",
      ),
  })
  .strict()
  .describe('Evidence packages: the key that signs them. Unset: the defaults below.');

export type EvidenceConfig = z.infer<typeof evidenceConfigSchema>;
