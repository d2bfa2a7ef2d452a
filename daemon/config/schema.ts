import { z } from 'zod';
import { cameraSchema } from './camera-schema.js';
import { visionConfigSchema } from '../vision/config.js';
import { pipelineConfigSchema } from '../pipeline/config.js';
import { hotlistConfigSchema } from '../hotlist/config.js';
import { mqttConfigSchema } from '../alerts/config.js';
import { accessConfigSchema } from '../access/config.js';
import { auditConfigSchema } from '../audit/config.js';
import { retentionConfigSchema } from '../retention/config.js';
import { healthConfigSchema } from '../health/config.js';
import { storageConfigSchema } from '../storage/config.js';
import { gpsConfigSchema } from '../position/config.js';
import { apiConfigSchema } from '../api/config.js';
import { evidenceConfigSchema } from '../evidence/config.js';
import { metricsConfigSchema } from '../health/metrics-config.js';
import { webConfigSchema } from '../api/web/config.js';
import { checkUnitKind } from './unit-kind.js';

/** Current config file version; bump it with a migration in load.ts. */
export const CONFIG_VERSION = 1;

/**
 * The whole unit configuration: the single source of truth for keys, types, defaults, bounds and
 * documentation. `config/alpr-edge.schema.json` is generated from it (`npm run schema`).
 */
export const configSchema = z
  .object({
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION).describe('Config file format version.'),
    unit: z
      .object({
        id: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'use 1-32 lowercase letters, digits, "-" or "_"')
          .describe("This unit's id; the MQTT topic segment and the origin stamped on every read."),
        name: z.string().default('').describe('Human name of the unit.'),
        agency: z.string().default("Clear Creek County Sheriff's Office").describe('Agency that owns the data.'),
        mobile: z
          .boolean()
          .default(false)
          .describe(
            "true for a unit on a patrol car: each read is located by the car's GPS (see gps) and cameras give a mount instead of coordinates. false for a pole or trailer: each camera gives its coordinates.",
          ),
      })
      .strict(),
    storage: storageConfigSchema,
    logging: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info').describe('Log level.'),
        log_plates: z
          .boolean()
          .default(false)
          .describe(
            'Write plate text into the log for each read. Off on units: the journal is outside the audited access path (policy 424.5(b)); the demo turns it on.',
          ),
      })
      .strict()
      .prefault({}),
    cameras: z
      .array(cameraSchema)
      .min(1, 'configure at least one camera')
      .superRefine((cams, ctx) => {
        const seen = new Map<string, number>();
        cams.forEach((c, i) => {
          const first = seen.get(c.id);
          if (first !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: [i, 'id'],
              message: `duplicate camera id "${c.id}" (also cameras[${first}])`,
            });
          else seen.set(c.id, i);
        });
      })
      .describe('Cameras this unit reads.'),
    vision: visionConfigSchema,
    pipeline: pipelineConfigSchema,
    hotlists: hotlistConfigSchema,
    mqtt: mqttConfigSchema,
    access: accessConfigSchema,
    audit: auditConfigSchema,
    api: apiConfigSchema,
    evidence: evidenceConfigSchema.optional(),
    web: webConfigSchema,
    retention: retentionConfigSchema,
    health: healthConfigSchema,
    metrics: metricsConfigSchema,
    gps: gpsConfigSchema.optional(),
  })
  .strict()
  .superRefine(checkUnitKind);

export type EdgeConfig = z.infer<typeof configSchema>;
export type { CameraConfig } from './camera-schema.js';
