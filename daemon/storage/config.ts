import { z } from 'zod';

export const storageConfigSchema = z
  .object({
    path: z.string().min(1).default('/var/lib/alpr-edge').describe('Folder for the SQLite database and its WAL.'),
    min_free_mb: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(500)
      .describe(
        'Free space (MB) to keep on the file system holding storage.path: below it the oldest crops not under an evidence hold are deleted, then new reads are stored without crops. 0 turns this floor off.',
      ),
    min_free_percent: z
      .number()
      .min(0)
      .max(50)
      .default(5)
      .describe(
        'The same floor as a share of the file system; the larger of min_free_mb and this applies. 0 turns it off.',
      ),
    check_interval_s: z
      .number()
      .min(0.2)
      .max(3600)
      .default(5)
      .describe(
        'How often free space is checked and reads held in memory (storage failing) are written again and their hits sent.',
      ),
    unstored_max_reads: z
      .number()
      .int()
      .min(10)
      .max(100_000)
      .default(1000)
      .describe(
        'Reads kept in memory while they cannot be stored (disk full); past this the oldest read without a hit is dropped, logged.',
      ),
  })
  .strict()
  .prefault({})
  .describe('Where the unit keeps its data, and what it does when the disk runs low.');

export type StorageConfig = z.infer<typeof storageConfigSchema>;
