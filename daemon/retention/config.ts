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
    hold_max_range_days: z
      .number()
      .int()
      .min(1)
      .max(31)
      .default(7)
      .describe(
        'Widest time range an evidence hold may cover on its requester alone; a wider one protects nothing until a second person (supervisor or administrator) approves it.',
      ),
    hold_review_days: z
      .number()
      .int()
      .min(30)
      .max(365)
      .default(365)
      .describe(
        'Days after which an evidence hold lapses (the purge ignores it) unless renewed with a reason (at most a year).',
      ),
  })
  .strict()
  .prefault({})
  .describe('The purge of reads, crops and hits (policy 424.4).');

export type RetentionConfig = z.infer<typeof retentionConfigSchema>;

export const defaultRetentionConfig: RetentionConfig = retentionConfigSchema.parse(undefined);
