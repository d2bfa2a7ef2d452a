import { z } from 'zod';

export const mqttConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe('Publish hits, status and health to an MQTT broker. Hits wait in the outbox while this is off.'),
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
      .default('mqtts://localhost:8883')
      .describe('Broker URL; use mqtts:// in the field.'),
    client_id: z.string().default('').describe('MQTT client id; empty means alpr-edge-<unit id>.'),
    username: z.string().default('').describe('Broker user name, e.g. ${MQTT_USERNAME}.'),
    password: z
      .string()
      .default('')
      .describe('Broker password: use ${MQTT_PASSWORD} (environment or systemd credential), never the value itself.'),
    ca_file: z.string().default('').describe('PEM CA bundle that signed the broker certificate (empty: system CAs).'),
    cert_file: z.string().default('').describe('PEM client certificate for mutual TLS.'),
    key_file: z
      .string()
      .default('')
      .describe('PEM private key of the client certificate (a systemd credential path is fine).'),
    reject_unauthorized: z
      .boolean()
      .default(true)
      .describe('Refuse brokers whose certificate does not verify. Turn off only on a bench.'),
    topic_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'letters, digits, "-", "_" and "/" only')
      .default('alpr')
      .describe('Topics are <prefix>/<unit>/hits|status|health|reads.'),
    keepalive_s: z.number().int().min(5).max(3600).default(30).describe('MQTT keepalive.'),
    reconnect_s: z.number().min(0.1).max(300).default(2).describe('Wait this long between reconnect attempts.'),
    max_in_flight: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(16)
      .describe('Outbox messages sent before waiting for their PUBACKs (order is kept).'),
    ack_timeout_s: z
      .number()
      .min(1)
      .max(600)
      .default(30)
      .describe('Reconnect when a PUBACK does not come back within this long.'),
    stop_drain_s: z
      .number()
      .min(0)
      .max(20)
      .default(5)
      .describe(
        'On a clean stop, keep sending the outbox (waiting for PUBACKs) this long while connected, so the hit of the vehicle in view goes before exit; well inside systemd TimeoutStopSec (30 s).',
      ),
    publish_reads: z
      .boolean()
      .default(false)
      .describe('Also publish every read (without crop) on <prefix>/<unit>/reads, through the outbox.'),
    include_crop: z.boolean().default(true).describe('Put the plate crop (base64 JPEG) in hit messages.'),
  })
  .strict()
  .prefault({})
  .describe('MQTT delivery to dispatch and in-car computers (hits through a durable outbox, status, health).');

export type MqttConfig = z.infer<typeof mqttConfigSchema>;
