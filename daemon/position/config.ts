import { z } from 'zod';

export const gpsConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Host where gpsd listens (its JSON protocol over TCP).'),
    port: z.number().int().min(1).max(65535).default(2947).describe("gpsd's TCP port."),
    max_fix_age_s: z
      .number()
      .min(1)
      .max(60)
      .default(5)
      .describe(
        'A read more than this many seconds from the nearest GPS fix gets no position (position_status "stale" or "no_fix") rather than a guessed one.',
      ),
  })
  .strict()
  .describe(
    "The patrol car's GPS, read from gpsd. Required when unit.mobile is true; every read then carries the car's position at the moment the plate was seen.",
  );

export type GpsConfig = z.infer<typeof gpsConfigSchema>;

/** Which way a camera looks from a patrol car. */
export const MOUNTS = ['front', 'rear', 'left', 'right'] as const;
