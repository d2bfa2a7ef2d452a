import { readFileSync } from 'node:fs';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { accessConfigSchema } from '../access/config.js';
import { apiConfigSchema } from '../api/config.js';
import { webConfigSchema } from '../api/web/config.js';
import { retentionConfigSchema } from '../retention/config.js';
import { processSecrets, type SecretSource } from '../config/load.js';
import { ConfigError } from '../shared/errors.js';

/** The agency's broker, as the console reaches it: the unit's mqtt settings that apply to a subscriber. */
export const dispatchBrokerSchema = z
  .object({
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
      .default('mqtts://localhost:8883')
      .describe('Broker URL; use mqtts:// in the field.'),
    client_id: z
      .string()
      .min(1)
      .default('alpr-dispatch')
      .describe('Fixed MQTT client id: the broker keeps this session (and queues hits) while the console is down.'),
    username: z.string().default('').describe('Broker user name, e.g. ${MQTT_USERNAME}.'),
    password: z.string().default('').describe('Broker password: use ${MQTT_PASSWORD}, never the value itself.'),
    ca_file: z.string().default('').describe('PEM CA bundle that signed the broker certificate (empty: system CAs).'),
    cert_file: z.string().default('').describe('PEM client certificate for mutual TLS.'),
    key_file: z.string().default('').describe('PEM private key of the client certificate.'),
    reject_unauthorized: z.boolean().default(true).describe('Refuse brokers whose certificate does not verify.'),
    topic_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'letters, digits, "-", "_" and "/" only')
      .default('alpr')
      .describe("The units' mqtt.topic_prefix: the console subscribes to <prefix>/+/hits, +/status and +/health."),
    keepalive_s: z.number().int().min(5).max(3600).default(30).describe("The console's own MQTT keepalive."),
    reconnect_s: z.number().min(0.1).max(300).default(2).describe('Wait this long between reconnect attempts.'),
  })
  .strict()
  .prefault({});

export const dispatchConfigSchema = z
  .object({
    version: z.literal(1).default(1).describe('Config format version.'),
    console: z
      .object({
        id: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only')
          .default('dispatch')
          .describe('Names the console in its audit log and on the page.'),
        name: z.string().default('Dispatch').describe('Shown on the page.'),
        agency: z.string().default("Clear Creek County Sheriff's Office").describe('Agency that owns the data.'),
      })
      .strict()
      .prefault({}),
    broker: dispatchBrokerSchema,
    units: z
      .object({
        names: z
          .record(z.string(), z.string())
          .default({})
          .describe('Display names by unit id (the topic segment); a unit not listed shows its id.'),
        keepalive_s: z.number().int().min(5).max(3600).default(30).describe("The units' mqtt.keepalive_s."),
        health_interval_s: z.number().min(5).max(3600).default(60).describe("The units' health.interval_s."),
        stale_after_h: z
          .number()
          .min(0.1)
          .max(720)
          .default(24)
          .describe("The units' hotlists.stale_after_h: a hit's list older than this is flagged stale."),
      })
      .strict()
      .prefault({})
      .describe(
        'A unit whose status is online but that has sent nothing for 1.5 x the longer of keepalive_s and health_interval_s is shown offline (its broker link may be down without its last will reaching the console).',
      ),
    storage: z
      .object({
        path: z
          .string()
          .min(1)
          .default('/var/lib/alpr-dispatch')
          .describe("Folder of the console's database (dispatch.db, 0600) and its bootstrap secret."),
      })
      .strict()
      .prefault({}),
    retention: retentionConfigSchema,
    access: accessConfigSchema,
    api: apiConfigSchema.describe("The console's local API socket: `alpr-edge users ... --config dispatch.yaml`."),
    web: webConfigSchema,
  })
  .strict();

export type DispatchConfig = z.infer<typeof dispatchConfigSchema>;

/**
 * Reads and validates dispatch.yaml. `${NAME}` in a string is replaced as in the unit's config:
 * from the environment, then the systemd credential of that name. Every problem is one line `FILE:LINE key: message` in a ConfigError (exit 78).
 */
export function loadDispatchConfig(file: string, secrets: SecretSource = processSecrets): DispatchConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read config: ${(err as NodeJS.ErrnoException).code ?? ''}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (doc.errors.length)
    throw problemsError(doc.errors.map((e) => `${file}:${lineAt(e.pos[0])}: YAML syntax: ${e.message}`));
  const problems: string[] = [];
  const expand = (v: unknown, path: string): unknown => {
    if (typeof v === 'string')
      return v.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => {
        const value = secrets.get(name);
        if (value === undefined)
          problems.push(`${file}: ${path}: \${${name}} is set neither in the environment nor as a credential`);
        return value ?? '';
      });
    if (Array.isArray(v)) return v.map((x, i) => expand(x, `${path}.${i}`));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x, path ? `${path}.${k}` : k)]));
    return v;
  };
  const raw = expand(isMap(doc.contents) ? doc.toJS({ maxAliasCount: 100 }) : {}, '');
  if (problems.length) throw problemsError(problems);
  const r = dispatchConfigSchema.safeParse(raw);
  if (r.success) return r.data;
  throw problemsError(
    r.error.issues.flatMap((i) => {
      const at = (path: PropertyKey[]) => {
        const node = doc.getIn(path as (string | number)[], true) as { range?: [number] } | undefined;
        return { line: lineAt(node?.range?.[0]), key: path.map(String).join('.'), node };
      };
      // An unknown key: one line per key, at the key's own line.
      if (i.code === 'unrecognized_keys')
        return i.keys.map((k) => {
          const p = at([...i.path, k]);
          return `${file}:${p.line}: ${p.key}: unknown key (see config/dispatch.example.yaml)`;
        });
      const p = at(i.path);
      const value = p.node && 'value' in p.node ? ` (${JSON.stringify((p.node as { value: unknown }).value)})` : '';
      return [`${file}:${p.line}: ${p.key}: ${i.message}${value}`];
    }),
  );
}

function problemsError(problems: string[]): ConfigError {
  return new ConfigError(problems[0] ?? 'invalid config', problems);
}
