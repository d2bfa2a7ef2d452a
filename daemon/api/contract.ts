import { z } from 'zod';
import { ROLES } from '../access/roles.js';
import { MIN_PASSPHRASE } from '../evidence/sealed.js';
import {
  purposeFields,
  time,
  readSchema,
  hitSchema,
  holdSchema,
  AGENCY_LEVELS,
  agencySchema,
  releaseSchema,
  recordsRequestSchema,
  userSummarySchema,
  auditVerificationSchema,
  auditReportSchema,
  expectHeadSchema,
  localEntrySchema,
  sourceStatusSchema,
  ok,
  empty,
} from './shapes.js';

/**
 * The local API's routes and JSON shapes, typed once: the server validates bodies with these
 * schemas, the CLI takes its types from them, and GET /api/openapi.json is built from them.
 * Free of anything that touches the database, so the CLI can import it.
 */

export type { ApiHit, ApiHold, ApiRead } from './shapes.js';
export { AGENCY_LEVELS, errorSchema } from './shapes.js';

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
    reply: z.object({
      token: z.string(),
      expires_at: z.string(),
      user: z.string(),
      role: z.enum(ROLES),
      must_change_password: z
        .boolean()
        .describe('The password was set by an administrator: only POST /api/password works until it is changed.'),
    }),
  },
  changeOwnPassword: {
    method: 'POST',
    path: '/api/password',
    summary: "Changes the caller's own password (the current one proves it is them); ends a forced change.",
    auth: true,
    body: z.object({ current_password: z.string(), new_password: z.string() }).strict(),
    reply: ok,
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
      .object({
        secret: z.string(),
        username: z.string().min(1),
        full_name: z.string().min(1),
        employee_number: z.string().min(1),
        password: z.string(),
      })
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
  approveHold: {
    method: 'POST',
    path: '/api/holds/:id/approve',
    summary:
      'A second person (supervisor or administrator, not the requester) approves a hold wider than retention.hold_max_range_days; until then it protects nothing.',
    auth: true,
    body: z.object({ note: z.string().optional() }).strict(),
    reply: z.object({ hold: holdSchema, kept_reads: z.number() }),
  },
  renewHold: {
    method: 'POST',
    path: '/api/holds/:id/renew',
    summary: "Moves a hold's review date on by retention.hold_review_days, with the reason it is still needed.",
    auth: true,
    body: z.object({ reason: z.string() }).strict(),
    reply: z.object({ hold: holdSchema }),
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
    body: z
      .object({
        ...purposeFields,
        destination: z.string().optional(),
        passphrase: z
          .string()
          .min(MIN_PASSPHRASE, `the passphrase must be at least ${MIN_PASSPHRASE} characters`)
          .max(1024)
          .optional()
          .describe('Encrypts the package (AES-256-GCM, scrypt-derived key) into one file, NAME.alpr-evidence.'),
        plain_reason: z
          .string()
          .trim()
          .min(1, 'say why the package may leave unencrypted')
          .max(500)
          .optional()
          .describe('Instead of a passphrase: why the package leaves unencrypted; recorded in the audit log.'),
      })
      .strict()
      .refine(
        // Neither is refused by the export itself, after the purpose check (so that refusal is audited first).
        (b) => b.passphrase === undefined || b.plain_reason === undefined,
        'give a passphrase (encrypted package) or plain_reason (plain folder, audited), not both',
      ),
    reply: z.object({
      name: z.string().describe('The folder (plain) or the file NAME.alpr-evidence (encrypted) to write.'),
      encrypted: z.boolean(),
      export_id: z.string(),
      manifest_sha256: z.string(),
      unit_key_sha256: z.string(),
      reads: z.number(),
      hits: z.number(),
      crops: z.number(),
      files: z.array(z.object({ path: z.string(), data_base64: z.string() })),
    }),
  },
  reportEvidenceWritten: {
    method: 'POST',
    path: '/api/evidence/export/outcome',
    summary:
      "The exporter's client says whether it wrote the package of an export (424.5(b)): recorded once as export_written, allowed with the folder or file and the manifest hash, or failed with the error. Same role rules as the export.",
    auth: true,
    body: z.discriminatedUnion('ok', [
      z
        .object({
          export_id: z.string().min(1).max(64),
          ok: z.literal(true),
          dir: z.string().min(1).max(4096).describe('The folder or file written.'),
          manifest_sha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/, 'manifest_sha256 is 64 lowercase hex digits')
            .describe('The one exportEvidence returned; any other is refused.'),
        })
        .strict(),
      z
        .object({
          export_id: z.string().min(1).max(64),
          ok: z.literal(false),
          error: z.string().min(1).max(2000).describe('Why the package was not written.'),
        })
        .strict(),
    ]),
    reply: z.object({ export_id: z.string(), written: z.enum(['confirmed', 'failed']) }),
  },
  unitKey: {
    method: 'GET',
    path: '/api/unit/key',
    summary:
      "The unit's Ed25519 public key (PEM) that signs evidence manifests, and its fingerprint: SHA-256 of its DER bytes.",
    auth: false,
    reply: z.object({ unit_id: z.string(), public_key_pem: z.string(), fingerprint_sha256: z.string() }),
  },
  auditVerify: {
    method: 'POST',
    path: '/api/audit/verify',
    summary:
      "Walks the audit log (424.5(b)): MACs with the daemon's audit key, and the published head if given; the check is audited.",
    auth: true,
    body: z.object({ expectHead: expectHeadSchema.optional() }).strict(),
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
        employee_number: z.string().min(1),
        role: z.enum(ROLES),
        password: z.string().optional(),
      })
      .strict(),
    reply: z.object({ username: z.string(), created: z.boolean() }),
  },
  addTraining: {
    method: 'POST',
    path: '/api/users/:name/training',
    summary:
      "Records someone else's office-approved ALPR training (424.3(e)): an administrator or supervisor, not the trainee; completed by today; valid at most access.training_valid_days (the default expiry).",
    auth: true,
    body: z
      .object({ course: z.string().optional(), completed_on: z.string(), expires_on: z.string().optional() })
      .strict(),
    reply: z.object({ completedOn: z.string(), expiresOn: z.string() }),
  },
  setIdentity: {
    method: 'POST',
    path: '/api/users/:name/identity',
    summary: "Sets a user's employee number (and full name): one person per account (424.3(b)).",
    auth: true,
    body: z.object({ employee_number: z.string().min(1), full_name: z.string().optional() }).strict(),
    reply: ok,
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
    summary:
      "Sets a user's password (a reset); clears their lock and failure count; they must change it at their next login.",
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
    summary:
      'Records a release of data to a registered agency (its level comes from the registry) covering an export or a hold of the case (424.4, 424.5(d)); federal: County Attorney first.',
    auth: true,
    body: z
      .object({
        ...purposeFields,
        agency: z.string().describe('A name in the agency registry.'),
        officer: z.string(),
        legal_basis: z.string(),
        what: z.string(),
        export_id: z.string().optional().describe('The evidence export the release covers.'),
        hold_id: z.number().int().optional().describe('The hold the release covers.'),
        package: z.string().optional(),
        attorney_notified_by: z.string().optional(),
        attorney_notified_at: time.optional(),
      })
      .strict(),
    reply: z.object({ release: releaseSchema }),
  },
  attorneyNotification: {
    method: 'POST',
    path: '/api/cases/:case/attorney-notification',
    summary:
      'Records that the County Attorney was notified of a case (before a federal release, 424.4): not in the future, not before the case first access.',
    auth: true,
    body: z.object({ notified_by: z.string(), notified_at: time }).strict(),
    reply: z.object({ case: z.string(), notified_by: z.string(), notified_at: z.number() }),
  },
  addAgency: {
    method: 'POST',
    path: '/api/agencies',
    summary: 'Registers an agency and its level (administrator); releases take the level from here.',
    auth: true,
    body: z.object({ name: z.string(), level: z.enum(AGENCY_LEVELS) }).strict(),
    reply: z.object({ agency: agencySchema }),
  },
  listAgencies: {
    method: 'POST',
    path: '/api/agencies/list',
    summary: 'The agency registry.',
    auth: true,
    body: empty,
    reply: z.object({ agencies: z.array(agencySchema) }),
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
