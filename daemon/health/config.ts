import { z } from 'zod';

export const healthConfigSchema = z
  .object({
    interval_s: z
      .number()
      .min(5)
      .max(3600)
      .default(60)
      .describe('Publish telemetry on <prefix>/<unit>/health this often.'),
    disk_path: z
      .string()
      .default('')
      .describe('Report free space of the file system holding this path; empty means storage.path.'),
    temperature: z
      .boolean()
      .default(true)
      .describe('Include CPU temperature (some boards have no sensor; then it is null).'),
  })
  .strict()
  .prefault({})
  .describe('Health telemetry: CPU, temperature, memory, disk, cameras and outbox depth.');

export type HealthConfig = z.infer<typeof healthConfigSchema>;
