import { z } from 'zod';

/** Policy 424.4: reads are purged after 21 days unless held as evidence; a unit may keep them less, never more. */
export const MAX_RETENTION_DAYS = 21;

export const retentionConfigSchema = z
  .object({
    days: z
      .number()
      .int()
      .min(1)
      .max(MAX_RETENTION_DAYS, `policy 424.4 allows at most ${MAX_RETENTION_DAYS} days`)
      .default(MAX_RETENTION_DAYS)
      .describe(
        'Days a read (with its crop and hits) is kept unless under an evidence hold; at most 21 (policy 424.4).',
      ),
    batch_size: z
      .number()
      .int()
      .min(10)
      .max(5000)
      .default(100)
      .describe('Reads deleted per transaction; small so each write transaction takes a few ms.'),
    pause_ms: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(5)
      .describe(
        'Pause between delete batches, so ingest on this or another connection gets the write lock (SQLite waiters poll with backoff).',
      ),
    interval_minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60)
      .describe('Minutes between purge runs (one also runs at start).'),
  })
  .strict()
  .default({ days: MAX_RETENTION_DAYS, batch_size: 100, pause_ms: 5, interval_minutes: 60 })
  .describe('The purge of reads, crops and hits (policy 424.4).');

export type RetentionConfig = z.infer<typeof retentionConfigSchema>;

export const defaultRetentionConfig: RetentionConfig = retentionConfigSchema.parse(undefined);
