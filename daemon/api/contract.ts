import { z } from 'zod';
import { ROLES } from '../access/roles.js';

/**
 * The local API's routes and JSON shapes, typed once: the server validates bodies with these
 * schemas, the CLI takes its types from them, and GET /api/openapi.json is built from them.
 * Free of anything that touches the database, so the CLI can import it.
 */

/** Why data is looked at (policy 424.5(c)). Loose strings on purpose: the daemon checks them, and audits a bad one. */
const purposeFields = {
  purpose: z.string().optional().describe('Purpose category, e.g. criminal_investigation.'),
  case: z.string().optional().describe('Case or incident number.'),
};

/** An epoch-ms number, or a time as a person types it: ISO 8601, "now", "-6h", "-7d" (the daemon\'s clock). */
const time = z.union([z.number(), z.string()]).describe('Epoch ms, ISO 8601, "now", or relative: -30m, -6h, -7d.');

const nullableNumber = z.number().nullable();

export const readPositionSchema = z.object({
  lat: z.number(),
  lon: z.number(),
  accuracyM: nullableNumber,
  speedMps: nullableNumber,
  headingDeg: nullableNumber,
  fixMode: z.enum(['2d', '3d']).nullable(),
  fixAgeS: nullableNumber,
  source: z.enum(['camera', 'gps']),
});

export const readSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  plate: z.string(),
  state: z.string().nullable(),
  confidence: z.number(),
  alternatives: z.array(z.object({ text: z.string(), confidence: z.number() })),
  firstSeen: z.number(),
  lastSeen: z.number(),
  frames: z.number(),
  box: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
  frameWidth: z.number(),
  frameHeight: z.number(),
  locationText: z.string(),
  lat: nullableNumber,
  lon: nullableNumber,
  bestSeen: nullableNumber,
  position: readPositionSchema.nullable(),
  positionStatus: z.enum(['ok', 'no_fix', 'stale']).nullable(),
});
export type ApiRead = z.infer<typeof readSchema>;

export const hitSchema = z.object({
  id: z.string(),
  readId: z.string(),
  createdAt: z.number(),
  cameraId: z.string(),
  plate: z.string(),
  state: z.string().nullable(),
  category: z.string(),
  reason: z.string(),
  matchKind: z.string(),
  status: z.enum(['unverified', 'confirmed', 'rejected']),
  verifiedBy: z.string().nullable(),
  verifiedAt: nullableNumber,
  verificationRef: z.string().nullable(),
  verificationNote: z.string().nullable(),
});
export type ApiHit = z.infer<typeof hitSchema>;

const holdScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reads'), readIds: z.array(z.string()) }),
  z.object({
    kind: z.literal('range'),
    platePattern: z.string().optional(),
    from: z.number(),
    to: z.number(),
    cameraId: z.string().optional(),
  }),
]);

export const holdSchema = z.object({
  id: z.number(),
  caseNumber: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  scope: holdScopeSchema,
  releasedAt: nullableNumber,
  releasedBy: z.string().nullable(),
  releaseReason: z.string().nullable(),
});
export type ApiHold = z.infer<typeof holdSchema>;

/** The same list as store/releases.ts (the server checks at compile time that they agree). */
export const AGENCY_LEVELS = ['local', 'state', 'federal', 'prosecutor'] as const;

export const releaseSchema = z.object({
  id: z.number(),
  at: z.number(),
  recordedBy: z.string(),
  agency: z.string(),
  agencyLevel: z.enum(AGENCY_LEVELS),
  requestingOfficer: z.string(),
  legalBasis: z.string(),
  caseNumber: z.string(),
  purposeCategory: z.string(),
  what: z.string(),
  packageId: z.string().optional(),
  attorneyNotifiedBy: z.string().optional(),
  attorneyNotifiedAt: z.number().optional(),
});

export const recordsRequestSchema = z.object({
  id: z.number(),
  receivedAt: z.number(),
  recordedBy: z.string(),
  requester: z.string(),
  organization: z.string(),
  contact: z.string(),
  description: z.string(),
  routedToRole: z.literal('records_manager'),
  status: z.enum(['referred', 'in_progress', 'closed']),
  handledBy: z.string().nullable(),
  resolution: z.string().nullable(),
  closedAt: nullableNumber,
});

export const userSummarySchema = z.object({
  username: z.string(),
  fullName: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  locked: z.boolean(),
  trainingExpiresOn: z.string().nullable(),
  trainingCurrent: z.boolean(),
  cbiAuthorized: z.boolean().describe('Holds the CBI-data authorization now (policy 424.3(g)).'),
  cbiAuthorizedUntil: z.string().nullable().describe('When it ends; null without one or without an expiry.'),
});

export const auditVerificationSchema = z.union([
  z.object({ ok: z.literal(true), entries: z.number(), firstSeq: nullableNumber, lastSeq: nullableNumber }),
  z.object({
    ok: z.literal(false),
    entries: z.number(),
    problem: z.enum(['edited', 'inserted', 'deleted']),
    seq: z.number(),
    message: z.string(),
  }),
]);

/** The audit report (424.5(e)): the parts the CLI summarises are typed; other fields pass through untyped. */
export const auditReportSchema = z.object({
  unit_id: z.string(),
  from: z.string(),
  to: z.string(),
  chain: auditVerificationSchema,
  searches_by_user_and_purpose: z.array(z.object({ username: z.string(), actions: z.record(z.string(), z.number()) })),
  refusals: z.array(z.unknown()),
  hits: z.object({ total: z.number(), confirmed: z.number(), rejected: z.number(), unverified: z.number() }),
  holds: z.array(z.unknown()),
  purges: z.array(z.unknown()),
  exports: z.array(z.unknown()),
  releases: z.array(z.unknown()),
  records_requests: z.array(z.unknown()),
  logins: z.array(z.object({ succeeded: z.number(), failed: z.number() })),
  lockouts: z.array(z.unknown()),
  training_lapsed: z.array(z.object({ username: z.string(), status: z.string() })),
});

export const localEntrySchema = z.object({
  id: z.string(),
  entry: z.object({
    plate: z.string(),
    state: z.string().nullable(),
    category: z.string(),
    reason: z.string(),
    caseNumber: z.string().nullable(),
    expires: nullableNumber,
    notes: z.string(),
  }),
  createdAt: z.number(),
  createdBy: z.string(),
  removedAt: nullableNumber,
  removedBy: z.string().nullable(),
});

const sourceStatusSchema = z.object({
  id: z.string(),
  format: z.string(),
  version: z.string().nullable(),
  entries: z.number(),
  rows_rejected: z.number(),
  as_of: z.string().nullable(),
  age_s: nullableNumber,
  stale: z.boolean(),
});

export const errorSchema = z.object({ error: z.string().describe('Why, in words fit to show the person.') });

const ok = z.object({ ok: z.literal(true) });
const empty = z.object({}).strict();

export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** Fastify-style path; `:name` segments are parameters. */
  path: string;
  summary: string;
  /** Needs `Authorization: Bearer TOKEN` from POST /api/session. */
  auth: boolean;
  body?: z.ZodType;
  reply: z.ZodType;
}

/** Every route of the local API. The server registers exactly these; the OpenAPI document lists them. */
export const API_ROUTES = {
  login: {
    method: 'POST',
    path: '/api/session',
    summary: 'Log in: returns a bearer token that expires after access.session_minutes without use.',
    auth: false,
    body: z.object({ user: z.string().min(1), password: z.string() }).strict(),
    reply: z.object({ token: z.string(), expires_at: z.string(), user: z.string(), role: z.enum(ROLES) }),
  },
  logout: {
    method: 'DELETE',
    path: '/api/session',
    summary: 'Log out: the token stops working.',
    auth: true,
    reply: ok,
  },
  bootstrapSecret: {
    method: 'POST',
    path: '/api/bootstrap/secret',
    summary: 'First run only: writes the one-time bootstrap secret to a file only the unit administrator can read.',
    auth: false,
    body: empty,
    reply: z.object({ needed: z.boolean(), issued: z.boolean().optional(), file: z.string().optional() }),
  },
  bootstrap: {
    method: 'POST',
    path: '/api/bootstrap',
    summary: 'First run only: the one-time secret buys the first administrator.',
    auth: false,
    body: z
      .object({ secret: z.string(), username: z.string().min(1), full_name: z.string().min(1), password: z.string() })
      .strict(),
    reply: z.object({ username: z.string() }),
  },
  searchReads: {
    method: 'POST',
    path: '/api/reads/search',
    summary: 'Reads by exact or partial plate (* any run, ? one character), window and cameras (424.3(c),(d)).',
    auth: true,
    body: z
      .object({
        ...purposeFields,
        plate: z.string().optional(),
        from: time,
        to: time,
        cameras: z.array(z.string()).optional(),
        limit: z.number().int().positive().optional(),
      })
      .strict(),
    reply: z.object({ reads: z.array(readSchema), truncated: z.boolean() }),
  },
  canvass: {
    method: 'POST',
    path: '/api/reads/canvass',
    summary: 'Every read within a radius of a place during a window, nearest first (424.3(d)).',
    auth: true,
    body: z
      .object({
        ...purposeFields,
        lat: z.number(),
        lon: z.number(),
        radius_m: z.number(),
        from: time,
        to: time,
        cameras: z.array(z.string()).optional(),
        limit: z.number().int().positive().optional(),
      })
      .strict(),
    reply: z.object({
      reads: z.array(readSchema.extend({ distanceM: z.number(), located: z.string() })),
      truncated: z.boolean(),
    }),
  },
  viewRead: {
    method: 'POST',
    path: '/api/reads/:id',
    summary: 'One read with its hits; with crop: true also its plate crop (JPEG, base64).',
    auth: true,
    body: z.object({ ...purposeFields, crop: z.boolean().optional() }).strict(),
    reply: z.object({
      read: readSchema.nullable(),
      hits: z.array(hitSchema),
      crop_base64: z.string().nullable(),
    }),
  },
  listHits: {
    method: 'POST',
    path: '/api/hits',
    summary: 'Hits of a window with their verification state (unverified until recorded, 424.3(f)).',
    auth: true,
    body: z
      .object({
        ...purposeFields,
        from: time,
        to: time,
        status: z.enum(['unverified', 'confirmed', 'rejected']).optional(),
      })
      .strict(),
    reply: z.object({ hits: z.array(hitSchema) }),
  },
  verifyHit: {
    method: 'POST',
    path: '/api/hits/:id/verify',
    summary: "Records the state bureau's answer on a hit (424.3(f)); purpose defaults to hit_verification.",
    auth: true,
    body: z
      .object({
        ...purposeFields,
        outcome: z.enum(['confirmed', 'rejected']),
        reference: z.string(),
        note: z.string().optional(),
      })
      .strict(),
    reply: z.object({ hit: hitSchema }),
  },
  createHold: {
    method: 'POST',
    path: '/api/holds',
    summary: 'Puts reads under an evidence hold of the case (424.4); purpose defaults to criminal_investigation.',
    auth: true,
    body: z
      .object({
        ...purposeFields,
        reason: z.string(),
        read_ids: z.array(z.string()).optional(),
        from: time.optional(),
        to: time.optional(),
        plate: z.string().optional(),
        camera: z.string().optional(),
      })
      .strict(),
    reply: z.object({ hold: holdSchema, kept_reads: z.number() }),
  },
  listHolds: {
    method: 'POST',
    path: '/api/holds/list',
    summary: 'Evidence holds, active ones unless all: true.',
    auth: true,
    body: z.object({ all: z.boolean().optional(), case: z.string().optional() }).strict(),
    reply: z.object({ holds: z.array(holdSchema) }),
  },
  releaseHold: {
    method: 'POST',
    path: '/api/holds/:id/release',
    summary: 'Releases an evidence hold: the next purge removes what it alone kept.',
    auth: true,
    body: z.object({ reason: z.string() }).strict(),
    reply: z.object({ hold: holdSchema }),
  },
  exportEvidence: {
    method: 'POST',
    path: '/api/evidence/export',
    summary:
      "The case's held data as a verifiable package (424.4): its files, base64; the client writes them. Purpose defaults to criminal_investigation.",
    auth: true,
    body: z.object({ ...purposeFields, destination: z.string().optional() }).strict(),
    reply: z.object({
      name: z.string(),
      export_id: z.string(),
      manifest_sha256: z.string(),
      reads: z.number(),
      hits: z.number(),
      crops: z.number(),
      files: z.array(z.object({ path: z.string(), data_base64: z.string() })),
    }),
  },
  auditVerify: {
    method: 'POST',
    path: '/api/audit/verify',
    summary: "Walks the audit log's hash chain (424.5(b)); the check is audited.",
    auth: true,
    body: empty,
    reply: auditVerificationSchema,
  },
  auditReport: {
    method: 'POST',
    path: '/api/audit/report',
    summary: 'The regular audit of policy 424.5(e) for [from, to], as data and as a printable page.',
    auth: true,
    body: z.object({ from: time, to: time }).strict(),
    reply: z.object({ report: auditReportSchema, html: z.string() }),
  },
  listUsers: {
    method: 'POST',
    path: '/api/users/list',
    summary: 'Users, roles, training and lock state (administrator).',
    auth: true,
    body: empty,
    reply: z.object({ users: z.array(userSummarySchema) }),
  },
  addUser: {
    method: 'POST',
    path: '/api/users',
    summary:
      'Adds a user (administrator). Without password, only checks that the caller may (audited refusal), so a client asks for the password afterwards.',
    auth: true,
    body: z
      .object({
        username: z.string().min(1),
        full_name: z.string().min(1),
        role: z.enum(ROLES),
        password: z.string().optional(),
      })
      .strict(),
    reply: z.object({ username: z.string(), created: z.boolean() }),
  },
  addTraining: {
    method: 'POST',
    path: '/api/users/:name/training',
    summary: 'Records office-approved ALPR training (424.3(e)).',
    auth: true,
    body: z.object({ course: z.string().optional(), completed_on: z.string(), expires_on: z.string() }).strict(),
    reply: z.object({ completedOn: z.string(), expiresOn: z.string() }),
  },
  setRole: {
    method: 'POST',
    path: '/api/users/:name/role',
    summary: "Changes a user's role.",
    auth: true,
    body: z.object({ role: z.enum(ROLES) }).strict(),
    reply: ok,
  },
  setPassword: {
    method: 'POST',
    path: '/api/users/:name/password',
    summary: "Sets a user's password; clears their lock and failure count.",
    auth: true,
    body: z.object({ password: z.string() }).strict(),
    reply: ok,
  },
  disableUser: {
    method: 'POST',
    path: '/api/users/:name/disable',
    summary: "Ends a user's access (users are never deleted).",
    auth: true,
    body: empty,
    reply: ok,
  },
  enableUser: {
    method: 'POST',
    path: '/api/users/:name/enable',
    summary: "Restores a user's access.",
    auth: true,
    body: empty,
    reply: ok,
  },
  grantCbi: {
    method: 'POST',
    path: '/api/users/:name/cbi-grant',
    summary: "Records a user's authorization to see the bureau's (CBI) data, policy 424.3(g).",
    auth: true,
    body: z
      .object({ expires_on: z.string().optional().describe('Last day (YYYY-MM-DD) it holds; absent: no expiry.') })
      .strict(),
    reply: z.object({ granted_at: z.string(), expires_at: z.string().nullable() }),
  },
  revokeCbi: {
    method: 'POST',
    path: '/api/users/:name/cbi-revoke',
    summary: "Ends a user's CBI-data authorization.",
    auth: true,
    body: empty,
    reply: ok,
  },
  addRecordsRequest: {
    method: 'POST',
    path: '/api/records',
    summary: 'Records a non-law-enforcement request and refers it to the Records Manager (424.5(a)).',
    auth: true,
    body: z
      .object({
        requester: z.string(),
        organization: z.string().optional(),
        contact: z.string().optional(),
        description: z.string(),
      })
      .strict(),
    reply: z.object({ request: recordsRequestSchema }),
  },
  listRecordsRequests: {
    method: 'POST',
    path: '/api/records/list',
    summary: 'Records requests (records manager, administrator).',
    auth: true,
    body: z.object({ open: z.boolean().optional() }).strict(),
    reply: z.object({ requests: z.array(recordsRequestSchema) }),
  },
  updateRecordsRequest: {
    method: 'POST',
    path: '/api/records/:id',
    summary: 'Moves a records request on: in_progress or closed, with a note.',
    auth: true,
    body: z.object({ status: z.enum(['in_progress', 'closed']), resolution: z.string() }).strict(),
    reply: z.object({ request: recordsRequestSchema }),
  },
  addRelease: {
    method: 'POST',
    path: '/api/releases',
    summary: 'Records a release of data to another agency (424.4, 424.5(d)); federal: County Attorney first.',
    auth: true,
    body: z
      .object({
        ...purposeFields,
        agency: z.string(),
        level: z.enum(AGENCY_LEVELS),
        officer: z.string(),
        legal_basis: z.string(),
        what: z.string(),
        package: z.string().optional(),
        attorney_notified_by: z.string().optional(),
        attorney_notified_at: time.optional(),
      })
      .strict(),
    reply: z.object({ release: releaseSchema }),
  },
  addHotlistEntry: {
    method: 'POST',
    path: '/api/hotlist/entries',
    summary:
      'Adds a local hotlist entry (a partial plate from a crime scene, a BOLO). Governed like a search: it scans stored reads for retrospective hits, so a purpose and case are required.',
    auth: true,
    body: z
      .object({
        ...purposeFields,
        plate: z.string(),
        state: z.string().optional(),
        category: z.string(),
        reason: z.string(),
        notes: z.string().optional(),
        expires: time.optional(),
        days: z.number().optional(),
      })
      .strict(),
    reply: z.object({ entry: localEntrySchema, retro_hits: z.number() }),
  },
  listHotlistEntries: {
    method: 'POST',
    path: '/api/hotlist/entries/list',
    summary: 'The local hotlist entries in force (all: true adds removed and expired ones).',
    auth: true,
    body: z.object({ all: z.boolean().optional() }).strict(),
    reply: z.object({ entries: z.array(localEntrySchema) }),
  },
  removeHotlistEntry: {
    method: 'POST',
    path: '/api/hotlist/entries/:id/remove',
    summary: 'Stamps a local entry removed (kept for the audit trail).',
    auth: true,
    body: empty,
    reply: ok,
  },
  hotlistStatus: {
    method: 'POST',
    path: '/api/hotlist/status',
    summary: "Each list's version, size, age and staleness, and recent failed fetches (technician, administrator).",
    auth: true,
    body: empty,
    reply: z.object({
      sources: z.array(sourceStatusSchema),
      local_entries: z.number(),
      stale: z.boolean(),
      recent_failures: z.array(
        z.object({ source: z.string(), at: z.number(), outcome: z.string(), message: z.string() }),
      ),
    }),
  },
  syncHotlists: {
    method: 'POST',
    path: '/api/hotlist/sync',
    summary: 'Fetches every configured list now and says what loaded and which rows were rejected.',
    auth: true,
    body: empty,
    reply: z.object({
      configured: z.number(),
      sources: z.array(
        sourceStatusSchema.extend({
          outcome: z.string(),
          message: z.string(),
          errors: z.array(z.string()),
          rows_rejected_total: z.number(),
        }),
      ),
    }),
  },
  openapi: {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document.',
    auth: false,
    reply: z.looseObject({ openapi: z.string() }),
  },
} as const satisfies Record<string, RouteSpec>;

export type ApiRoutes = typeof API_ROUTES;
export type RouteName = keyof ApiRoutes;
export type BodyOf<N extends RouteName> = ApiRoutes[N] extends { body: z.ZodType }
  ? z.input<ApiRoutes[N]['body']>
  : undefined;
export type ParsedBodyOf<N extends RouteName> = ApiRoutes[N] extends { body: z.ZodType }
  ? z.output<ApiRoutes[N]['body']>
  : undefined;
export type ReplyOf<N extends RouteName> = z.output<ApiRoutes[N]['reply']>;
