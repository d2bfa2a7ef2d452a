import { z } from 'zod';
import { ACTIONS, ROLES } from '../access/roles.js';
import {
  ACTIONS_TAKEN,
  ALERT_LEVELS,
  CATEGORIES,
  DISPOSITIONS,
  PURPOSE_CATEGORIES,
  VERIFICATION_OUTCOMES,
  WEB_PATHS,
} from './web-constants.js';

/**
 * The routes the in-car and dispatch page calls, and the JSON they carry, as zod schemas: the
 * server validates requests and responses with them, the page (web/src/api.ts) imports their
 * types, and the OpenAPI document is generated from them. Keys are snake_case like the MQTT
 * payloads. Times are ISO 8601 UTC strings.
 *
 * Authentication: POST /login sets the session cookie (HttpOnly; Secure; SameSite=Strict) and
 * returns a CSRF token; every POST carries it in the `x-csrf-token` header. The cookie is honoured
 * under /api/web only, so no other route can be driven from a browser.
 *
 * Every read of data here is access under policy 424.5(b): the server records, batched, which
 * hits, reads, crops and search results it sent to whom and when. Bureau details (424.3(g)) are
 * left out by the server, not hidden by the page.
 */

const isoTime = z.string().describe('ISO 8601 UTC time, e.g. 2026-11-28T14:30:05.123Z.');
const id = z.string().min(1).max(100);

export const purposeSchema = z
  .object({
    category: z.enum(PURPOSE_CATEGORIES),
    case_number: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{2,39}$/)
      .describe('Case or incident number, 3-40 letters, digits, . _ / -.'),
  })
  .strict()
  .describe('Why data is looked at (policy 424.5(c)).');

export const webUserSchema = z
  .object({
    username: z.string(),
    full_name: z.string(),
    role: z.enum(ROLES),
    cbi_authorized: z.boolean().describe('Holds a current CBI-data authorization (policy 424.3(g)).'),
    cbi_authorized_until: isoTime.nullable().describe('When that authorization expires; null when it does not.'),
    training_expires_on: z.string().nullable().describe('Date (YYYY-MM-DD) the training record runs out.'),
  })
  .strict();

export const webSessionSchema = z
  .object({
    user: webUserSchema,
    mode: z.enum(['unit', 'dispatch']).describe('unit: the in-car page of one unit; dispatch: the multi-unit console.'),
    site: z.object({ id: z.string(), name: z.string() }).strict().describe('The unit, or the console.'),
    csrf_token: z.string().min(16).describe('Send it back in the x-csrf-token header on every POST.'),
    expires_at: isoTime.describe('When the session ends without use; each request moves it forward.'),
    must_change_password: z
      .boolean()
      .describe('True: every route but /password and /logout answers password_change_required.'),
    permissions: z
      .array(z.enum(ACTIONS))
      .describe("The role's actions (access/roles.ts), so the page offers only those."),
    patrol_purpose: purposeSchema
      .nullable()
      .describe('The purpose live hits and recent reads are shown under; null until the user gives one.'),
  })
  .strict();

export const ERROR_CODES = [
  'not_logged_in',
  'session_expired',
  'bad_credentials',
  'locked',
  'disabled',
  'rate_limited',
  'password_change_required',
  'weak_password',
  'csrf',
  'forbidden',
  'purpose_required',
  'invalid',
  'not_found',
  'conflict',
  'unavailable',
] as const;
export type WebErrorCode = (typeof ERROR_CODES)[number];

export const webErrorSchema = z
  .object({
    error: z
      .object({
        code: z.enum(ERROR_CODES),
        message: z.string().describe('Fit to show the user as it is; names the field and what to change.'),
        locked_until: isoTime.optional().describe('With code locked.'),
        retry_after_s: z.number().int().min(0).optional().describe('With code rate_limited.'),
        field: z.string().optional().describe('With code invalid: the request field at fault.'),
      })
      .strict(),
  })
  .strict();

export const loginRequestSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();

export const passwordChangeRequestSchema = z
  .object({ current_password: z.string().min(1).max(256), new_password: z.string().min(1).max(256) })
  .strict();

export const positionSchema = z
  .object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    accuracy_m: z.number().nullable(),
    source: z.enum(['camera', 'gps']).describe("camera: the fixed camera's coordinates; gps: the car's fix."),
    fix_mode: z.enum(['2d', '3d']).nullable(),
    fix_age_s: z.number().min(0).nullable(),
  })
  .strict();

const unitRef = z.object({ id: z.string(), name: z.string() }).strict();
const cameraRef = z.object({ id: z.string(), name: z.string() }).strict();

export const listRefSchema = z
  .object({
    source: z.string(),
    version: z.string(),
    age_s: z.number().int().min(0),
    stale: z.boolean(),
  })
  .strict();

export const bureauDetailsSchema = z
  .discriminatedUnion('authorized', [
    z
      .object({
        authorized: z.literal(true),
        reason: z.string(),
        source: z.string().describe('Who issued the entry (CBI, CCIC, local).'),
        nic: z.string().nullable(),
        ori: z.string().nullable(),
        notes: z.string(),
        vehicle: z.string().nullable().describe('Vehicle description from the entry, when the list gives one.'),
        case_number: z.string().nullable(),
      })
      .strict(),
    z.object({ authorized: z.literal(false) }).strict(),
  ])
  .describe('The list entry\'s bureau details; {"authorized": false} for a user without the CBI-data authorization.');

export const verificationStateSchema = z
  .object({
    status: z.enum(['unverified', ...VERIFICATION_OUTCOMES]),
    by: z.string().nullable(),
    at: isoTime.nullable(),
    reference: z.string().nullable().describe("The bureau's response reference."),
    note: z.string().nullable(),
    case_number: z.string().nullable(),
  })
  .strict();

export const dispositionStateSchema = z
  .object({
    value: z.enum(DISPOSITIONS),
    action_taken: z.enum(ACTIONS_TAKEN),
    note: z.string(),
    by: z.string(),
    at: isoTime,
  })
  .strict();

export const webHitSchema = z
  .object({
    id: z.string(),
    read_id: z.string(),
    cursor: z.string().describe('Opaque, increasing in the order the server recorded hits: GET /hits?after=CURSOR.'),
    unit: unitRef,
    ts: isoTime.describe('When the plate was read.'),
    created_at: isoTime.describe('When the hit was raised (later than ts for a retrospective hit).'),
    camera: cameraRef,
    location_text: z.string(),
    position: positionSchema.nullable(),
    position_status: z.enum(['ok', 'no_fix', 'stale']),
    plate: z.string(),
    state: z.string().nullable(),
    state_confirmed: z.boolean().describe('False when the entry names a state the read lacks: "state not confirmed".'),
    confidence: z.number().min(0).max(1),
    match_kind: z.enum(['exact', 'wildcard', 'lenient']),
    entry_plate: z.string().describe("The entry's plate or pattern (AB?12*) that matched."),
    retrospective: z.boolean(),
    category: z.enum(CATEGORIES),
    alert_level: z.enum(ALERT_LEVELS).describe('From the category (web-constants.ts alertLevelFor).'),
    list_priority: z.number().int().nullable().describe("The entry's own priority column, when the list has one."),
    list: listRefSchema,
    crop_url: z
      .string()
      .nullable()
      .describe('Same-origin path of the plate crop (image/jpeg); null when none is stored.'),
    bureau: bureauDetailsSchema,
    verification: verificationStateSchema,
    disposition: dispositionStateSchema.nullable(),
  })
  .strict();

export const webReadSchema = z
  .object({
    id: z.string(),
    unit: unitRef,
    camera: cameraRef,
    ts: isoTime.describe('Last frame of the vehicle pass.'),
    plate: z.string(),
    state: z.string().nullable(),
    confidence: z.number().min(0).max(1),
    location_text: z.string(),
    position: positionSchema.nullable(),
    position_status: z.enum(['ok', 'no_fix', 'stale']).nullable(),
    crop_url: z.string().nullable(),
    distance_m: z.number().min(0).optional().describe('Canvass results only: metres from the point.'),
    hit_ids: z.array(z.string()).describe('Hits raised on this read.'),
  })
  .strict();

export const readsResponseSchema = z.object({ reads: z.array(webReadSchema), truncated: z.boolean() }).strict();

export const recentReadsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    camera: id.optional(),
  })
  .strict();

export const searchRequestSchema = z
  .object({
    purpose: purposeSchema,
    plate: z
      .string()
      .max(16)
      .optional()
      .describe('Exact plate, or partial with * (any run) and ? (one character), e.g. AB?12*.'),
    from: isoTime,
    to: isoTime,
    cameras: z.array(id).max(50).optional(),
    canvass: z
      .object({
        lat: z.number().min(-90).max(90),
        lon: z.number().min(-180).max(180),
        radius_m: z.number().min(1).max(50_000),
      })
      .strict()
      .optional()
      .describe('Reads made within radius_m of the point (policy 424.3(d)), nearest first.'),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const hitsQuerySchema = z
  .object({
    after: z.string().max(100).optional().describe('A cursor: the hits recorded after it, oldest first.'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()
  .describe('Without after: the newest `limit` hits, oldest first.');

export const hitsResponseSchema = z.object({ hits: z.array(webHitSchema) }).strict();

export const dispositionRequestSchema = z
  .object({
    disposition: z.enum(DISPOSITIONS),
    action_taken: z.enum(ACTIONS_TAKEN),
    note: z.string().max(500).default(''),
  })
  .strict();

export const verificationRequestSchema = z
  .object({
    outcome: z.enum(VERIFICATION_OUTCOMES),
    reference: z.string().trim().min(1).max(80).describe("The bureau's response reference (policy 424.3(f))."),
    note: z.string().max(500).default(''),
    case_number: purposeSchema.shape.case_number,
  })
  .strict();

export const listStatusSchema = z
  .object({
    source: z.string(),
    version: z.string().nullable(),
    entries: z.number().int().min(0),
    age_s: z.number().int().min(0).nullable(),
    stale: z.boolean(),
  })
  .strict();

export const webHealthSchema = z
  .object({
    unit: unitRef,
    ts: isoTime.describe('When this health was taken (a unit) or last received (the console).'),
    uptime_s: z.number().min(0).nullable(),
    cameras: z.array(
      z
        .object({
          id: z.string(),
          name: z.string(),
          connected: z.boolean().nullable(),
          fps: z.number().min(0).nullable(),
          dropped_frames: z.number().int().min(0),
        })
        .strict(),
    ),
    position: z
      .object({
        mode: z.enum(['fixed', 'gps']),
        gps: z
          .object({
            connected: z.boolean(),
            fix: z.enum(['ok', 'lost']),
            mode: z.enum(['none', '2d', '3d']),
            satellites_used: z.number().int().nullable(),
            last_fix_age_s: z.number().nullable(),
            clock_warning: z.boolean(),
          })
          .strict()
          .nullable(),
      })
      .strict(),
    disk: z
      .object({ path: z.string(), free_bytes: z.number().nullable(), total_bytes: z.number().nullable() })
      .strict(),
    storage: z
      .object({ state: z.string(), crops_shed: z.number().int(), unstored_reads: z.number().int() })
      .strict()
      .nullable()
      .describe('The low-space guard: ok, shedding_crops, crops_refused or full.'),
    lists: z.array(listStatusSchema),
    outbox_depth: z.number().int().min(0).nullable(),
    broker: z.object({ connected: z.boolean(), since: isoTime.nullable() }).strict(),
    cpu: z.object({ load_pct: z.number().nullable(), temp_c: z.number().nullable() }).strict(),
  })
  .strict();

export const healthQuerySchema = z.object({ unit: id.optional() }).strict();

export const webUnitSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: z.enum(['online', 'offline', 'unknown']).describe("From the unit's retained status and its last will."),
    since: isoTime.nullable().describe('When the state last changed.'),
    last_seen: isoTime.nullable().describe('Newest message from the unit.'),
    lists_stale: z.boolean(),
    lists: z.array(listStatusSchema),
    storage: z.string().nullable(),
    gps_fix: z.enum(['ok', 'lost']).nullable().describe('A patrol car: its GPS fix; null on a fixed unit.'),
    position: z
      .object({ lat: z.number(), lon: z.number() })
      .strict()
      .nullable()
      .describe('Where the unit last read a plate (or its fixed cameras).'),
  })
  .strict();

export const unitsResponseSchema = z.object({ units: z.array(webUnitSchema) }).strict();

export const camerasResponseSchema = z
  .object({ cameras: z.array(z.object({ id: z.string(), name: z.string(), unit: unitRef }).strict()) })
  .strict();

export const liveStartResponseSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('mpeg1'),
        live_id: z.string(),
        ws_path: z
          .string()
          .describe('Same-origin WebSocket path of the MPEG-TS relay (MPEG-1 video), behind the session cookie.'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('jpeg'),
        live_id: z.string(),
        frame_path: z.string().describe('Same-origin path of the newest decoded frame (image/jpeg).'),
        interval_ms: z.number().int().min(200),
      })
      .strict(),
  ])
  .describe('A viewing, audited as access; it ends on POST /live/:live_id/end or when the viewer goes away.');

export const sessionEndEventSchema = z
  .object({ reason: z.enum(['expired', 'logged_out', 'disabled']), message: z.string() })
  .strict();

/** The data of each Server-Sent Event on GET /api/web/events, by event name (see WEB_EVENTS). */
export const webEventSchemas = {
  hit: webHitSchema,
  hit_update: webHitSchema.describe('A hit whose disposition or verification changed (by anyone).'),
  unit: webUnitSchema.describe("A unit's state, list staleness or position changed."),
  session_end: sessionEndEventSchema.describe('The stream closes after it.'),
} as const;

export type Purpose = z.infer<typeof purposeSchema>;
export type WebUser = z.infer<typeof webUserSchema>;
export type WebSession = z.infer<typeof webSessionSchema>;
export type WebError = z.infer<typeof webErrorSchema>;
export type LoginRequest = z.infer<typeof loginRequestSchema>;
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;
export type Position = z.infer<typeof positionSchema>;
export type BureauDetails = z.infer<typeof bureauDetailsSchema>;
export type VerificationState = z.infer<typeof verificationStateSchema>;
export type DispositionState = z.infer<typeof dispositionStateSchema>;
export type WebHit = z.infer<typeof webHitSchema>;
export type WebRead = z.infer<typeof webReadSchema>;
export type ReadsResponse = z.infer<typeof readsResponseSchema>;
export type SearchRequest = z.input<typeof searchRequestSchema>;
export type HitsResponse = z.infer<typeof hitsResponseSchema>;
export type DispositionRequest = z.input<typeof dispositionRequestSchema>;
export type VerificationRequest = z.input<typeof verificationRequestSchema>;
export type ListStatus = z.infer<typeof listStatusSchema>;
export type WebHealth = z.infer<typeof webHealthSchema>;
export type WebUnit = z.infer<typeof webUnitSchema>;
export type UnitsResponse = z.infer<typeof unitsResponseSchema>;
export type CamerasResponse = z.infer<typeof camerasResponseSchema>;
export type LiveStartResponse = z.infer<typeof liveStartResponseSchema>;
export type SessionEndEvent = z.infer<typeof sessionEndEventSchema>;

/** A route of the page: `:name` segments are path parameters. */
export interface WebRoute {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** A JSON schema, or the media type of a non-JSON answer; null: 204 No Content. */
  response: z.ZodType | 'image/jpeg' | 'text/event-stream' | null;
  /** False only for /login (there is no session yet); every other POST needs the CSRF header. */
  csrf?: false;
  /** False for the routes usable before login. */
  session?: false;
}

/**
 * Every route the page calls. Errors are webErrorSchema with a 4xx status: 401 not_logged_in /
 * session_expired / bad_credentials / locked / disabled, 403 forbidden / csrf /
 * password_change_required / purpose_required, 400 invalid / weak_password, 404, 409 conflict
 * (a second verdict on a hit), 429 rate_limited, 503 unavailable.
 */
export const WEB_ROUTES = {
  session: {
    method: 'GET',
    path: WEB_PATHS.session,
    summary: 'The logged-in user, mode and a CSRF token; 401 without a live session.',
    response: webSessionSchema,
  },
  login: {
    method: 'POST',
    path: WEB_PATHS.login,
    summary: "Log in with the unit's (or console's) account; sets the session cookie. Rate limited, locks out.",
    body: loginRequestSchema,
    response: webSessionSchema,
    csrf: false,
    session: false,
  },
  logout: { method: 'POST', path: WEB_PATHS.logout, summary: 'Ends the session.', response: null },
  password: {
    method: 'POST',
    path: WEB_PATHS.password,
    summary: 'Changes the own password (the forced change after a reset included).',
    body: passwordChangeRequestSchema,
    response: webSessionSchema,
  },
  patrolPurpose: {
    method: 'POST',
    path: WEB_PATHS.patrolPurpose,
    summary:
      'Sets the purpose (e.g. patrol_operation and the shift incident number) live hits and recent reads are shown under.',
    body: purposeSchema,
    response: webSessionSchema,
  },
  events: {
    method: 'GET',
    path: WEB_PATHS.events,
    summary: 'Server-Sent Events: hit, hit_update, unit, session_end (webEventSchemas); a comment line every 15 s.',
    response: 'text/event-stream',
  },
  hits: {
    method: 'GET',
    path: WEB_PATHS.hits,
    summary: 'Hits after a cursor (after a reconnect), or the newest ones; needs the patrol purpose.',
    query: hitsQuerySchema,
    response: hitsResponseSchema,
  },
  disposition: {
    method: 'POST',
    path: WEB_PATHS.disposition,
    summary: "Records the deputy's disposition and action taken; audited.",
    body: dispositionRequestSchema,
    response: webHitSchema,
  },
  verification: {
    method: 'POST',
    path: WEB_PATHS.verification,
    summary: "Records the bureau's confirmation or rejection (policy 424.3(f)); audited; 409 on a second verdict.",
    body: verificationRequestSchema,
    response: webHitSchema,
  },
  recentReads: {
    method: 'GET',
    path: WEB_PATHS.recentReads,
    summary: 'Newest reads under the patrol purpose.',
    query: recentReadsQuerySchema,
    response: readsResponseSchema,
  },
  search: {
    method: 'POST',
    path: WEB_PATHS.search,
    summary: 'Governed search (plate, partial plate, window, cameras, canvass); purpose and case required.',
    body: searchRequestSchema,
    response: readsResponseSchema,
  },
  crop: {
    method: 'GET',
    path: WEB_PATHS.crop,
    summary: "A read's plate crop; a view of data, audited in the batch.",
    response: 'image/jpeg',
  },
  health: {
    method: 'GET',
    path: WEB_PATHS.health,
    summary: "The unit's health (dispatch: ?unit=ID).",
    query: healthQuerySchema,
    response: webHealthSchema,
  },
  units: {
    method: 'GET',
    path: WEB_PATHS.units,
    summary: 'Dispatch: every unit with online state and list staleness; a unit: itself.',
    response: unitsResponseSchema,
  },
  cameras: {
    method: 'GET',
    path: WEB_PATHS.cameras,
    summary: 'Cameras that can be viewed live.',
    response: camerasResponseSchema,
  },
  liveStart: {
    method: 'POST',
    path: WEB_PATHS.liveStart,
    summary: 'Starts a live viewing of a camera (audited): a relay for the player, or a JPEG a second.',
    response: liveStartResponseSchema,
  },
  liveEnd: {
    method: 'POST',
    path: WEB_PATHS.liveEnd,
    summary: 'Ends a viewing; the relay stops within seconds after its last viewer.',
    response: null,
  },
} as const satisfies Record<string, WebRoute>;

export type WebRouteName = keyof typeof WEB_ROUTES;
