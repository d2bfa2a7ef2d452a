import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { CATEGORIES } from '../hotlist/entry.js';
import { HIT_PAYLOAD_VERSION, VERIFICATION_NOTICE } from './payloads.js';

const isoTime = z.string().describe('ISO 8601 UTC time, e.g. 2026-11-28T14:30:05.123Z.');

/**
 * The hit message on `<prefix>/<unit>/hits`, as a zod schema: the JSON Schema handed to dispatch
 * and MDT vendors (config/mqtt-hit.schema.json) is generated from it, and the tests check that
 * buildHitPayload's output satisfies it, so the document cannot drift from the code.
 */
export const hitPayloadSchema = z
  .object({
    v: z.literal(HIT_PAYLOAD_VERSION).describe('Payload format version; a receiver refuses versions it does not know.'),
    type: z.literal('hit'),
    id: z.string().uuid().describe('Hit id (UUID). Delivery is at-least-once: drop a message whose id you have seen.'),
    read_id: z.string().describe("Id of the read that hit; the unit's API and evidence exports use it."),
    unit: z.string().describe('Unit id (the topic segment).'),
    ts: isoTime.describe('When the plate was read (last frame of the vehicle pass).'),
    created_at: isoTime.describe('When the hit was raised: later than ts for a retrospective hit.'),
    camera: z.object({ id: z.string(), name: z.string() }).strict(),
    location: z
      .object({ text: z.string(), lat: z.number().nullable(), lon: z.number().nullable() })
      .strict()
      .describe(
        "The camera's description from the unit config, with the read's coordinates (WGS84 degrees; the same as position.lat/lon, null when position is null).",
      ),
    position: z
      .object({
        lat: z.number().min(-90).max(90).describe('Latitude, WGS84 degrees.'),
        lon: z.number().min(-180).max(180).describe('Longitude, WGS84 degrees.'),
        accuracy_m: z
          .number()
          .nullable()
          .describe('GPS horizontal error estimate in metres (about 95 %); null for a fixed camera.'),
        speed_mps: z.number().nullable().describe("The patrol car's speed, m/s; null for a fixed camera."),
        heading_deg: z
          .number()
          .nullable()
          .describe("The patrol car's course, degrees from true north; null for a fixed camera."),
        fix_mode: z.enum(['2d', '3d']).nullable().describe('GPS fix: 3d (best) or 2d; null for a fixed camera.'),
        fix_age_s: z
          .number()
          .min(0)
          .nullable()
          .describe(
            'Seconds between the read and the nearest GPS fix its position comes from; null for a fixed camera.',
          ),
        source: z
          .enum(['camera', 'gps'])
          .describe(
            "camera: a fixed camera's configured coordinates; gps: the patrol car's GPS at the moment of the read.",
          ),
      })
      .strict()
      .nullable()
      .describe('Where the plate was read; null when a patrol car had no usable GPS fix (see position_status).'),
    position_status: z
      .enum(['ok', 'no_fix', 'stale'])
      .describe(
        'ok: position is set. no_fix: the GPS had no fix (or gpsd was unreachable) at the time of the read. stale: the newest fix was older than gps.max_fix_age_s.',
      ),
    plate: z.string().describe('The plate as read.'),
    state: z.string().nullable().describe('State as read; null when the reader could not tell.'),
    state_confirmed: z
      .boolean()
      .describe('False when the entry names a state but the read has none: "state not confirmed".'),
    confidence: z.number().min(0).max(1).describe('Reader confidence for the whole plate.'),
    match_kind: z
      .enum(['exact', 'wildcard', 'lenient'])
      .describe(
        'exact: same characters; wildcard: a partial-plate entry (* any run, ? one character); lenient: equal only up to OCR-confusable characters (0/O/D/Q, 1/I/L/T, 2/Z, 5/S, 8/B, 6/G).',
      ),
    retrospective: z
      .boolean()
      .describe('True when the entry was added after the read and matched against stored reads.'),
    category: z.enum(CATEGORIES).describe('What the entry is (policy 424.1).'),
    reason: z.string().describe('Why the plate is listed, from the list.'),
    source: z.string().describe('Who issued the entry (e.g. CBI, CCIC, or "local" for entries made on the unit).'),
    nic: z.string().nullable().describe('NCIC number, when the list gives one.'),
    entry: z
      .object({
        plate: z.string().describe("The entry's plate or pattern."),
        state: z.string().nullable(),
        case_number: z.string().nullable(),
        expires: isoTime.nullable(),
        priority: z.number().int().nullable(),
        notes: z.string(),
      })
      .strict(),
    list: z
      .object({
        source: z.string().describe('Configured list id, or "local".'),
        version: z.string().describe('The list version the hit came from (see alpr-edge hotlist status).'),
        age_s: z.number().int().min(0).describe('Seconds since the list was last known current.'),
        stale: z.boolean().describe('The list is older than hotlists.stale_after_h.'),
      })
      .strict(),
    verification: z
      .object({ status: z.literal('unverified'), notice: z.literal(VERIFICATION_NOTICE) })
      .strict()
      .describe('Policy 424.3(f): every hit is unverified until a deputy confirms it with CBI.'),
    crop_jpeg_base64: z
      .string()
      .nullable()
      .describe('The plate crop as base64 JPEG; null when mqtt.include_crop is off.'),
  })
  .strict()
  .describe('alpr-edge hit message (topic <prefix>/<unit>/hits, QoS 1, not retained).');

export function hitPayloadJsonSchema(): Record<string, unknown> {
  return { $id: 'https://alpr-edge.local/schemas/mqtt-hit.schema.json', ...z.toJSONSchema(hitPayloadSchema) };
}

export const HIT_SCHEMA_FILE = join('config', 'mqtt-hit.schema.json');

// `npx tsx daemon/alerts/hit-schema.ts` rewrites config/mqtt-hit.schema.json.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(HIT_SCHEMA_FILE, `${JSON.stringify(hitPayloadJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${HIT_SCHEMA_FILE}`);
}
