import { z } from 'zod';

/** Publishing the audit log's head off the unit, where someone holding the database cannot reach it. */
export const auditConfigSchema = z
  .object({
    head_interval_s: z
      .number()
      .int()
      .min(10)
      .max(3600)
      .default(300)
      .describe(
        'Publish the audit head {unit, seq, mac, time} (retained, QoS 1) on <prefix>/<unit>/audit and in the journal this often, and a few seconds after each audited action.',
      ),
  })
  .strict()
  .prefault({})
  .describe("The audit log's head, published off the unit so a truncated or rewritten log is caught.");

export type AuditConfig = z.infer<typeof auditConfigSchema>;
