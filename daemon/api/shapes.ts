import { z } from 'zod';
import { ROLES } from '../access/roles.js';

/**
 * The JSON shapes of the local API (see contract.ts for the routes that use them): what the
 * daemon returns, typed once. Free of anything that touches the database, so the CLI can import it.
 */

/** Why data is looked at (policy 424.5(c)). Loose strings on purpose: the daemon checks them, and audits a bad one. */
export const purposeFields = {
  purpose: z.string().optional().describe('Purpose category, e.g. criminal_investigation.'),
  case: z.string().optional().describe('Case or incident number.'),
};

/** An epoch-ms number, or a time as a person types it: ISO 8601, "now", "-6h", "-7d" (the daemon\'s clock). */
export const time = z
  .union([z.number(), z.string()])
  .describe('Epoch ms, ISO 8601, "now", or relative: -30m, -6h, -7d.');

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
  approval: z
    .enum(['not_needed', 'pending', 'approved', 'predates_rule'])
    .describe(
      'pending: a range wider than retention.hold_max_range_days, protecting nothing until a second person approves.',
    ),
  approvedBy: z.string().nullable(),
  approvedAt: nullableNumber,
  reviewAt: z.number().describe('After this time the hold lapses (the purge ignores it) unless renewed.'),
  renewals: z.number(),
  renewedBy: z.string().nullable(),
  renewedAt: nullableNumber,
  renewReason: z.string().nullable(),
  protects: z
    .boolean()
    .describe('Keeps data from the purge now: not released, approved if it must be, not past review.'),
});
export type ApiHold = z.infer<typeof holdSchema>;

/** The same list as store/releases.ts (the server checks at compile time that they agree). */
export const AGENCY_LEVELS = ['local', 'state', 'federal', 'non-law-enforcement'] as const;

export const agencySchema = z.object({
  id: z.number(),
  name: z.string(),
  level: z.enum(AGENCY_LEVELS),
  addedBy: z.string(),
  addedAt: z.number(),
});

export const releaseSchema = z.object({
  id: z.number(),
  at: z.number(),
  recordedBy: z.string(),
  agency: z.string(),
  agencyLevel: z
    .enum([...AGENCY_LEVELS, 'prosecutor'])
    .describe("From the agency registry; 'prosecutor' only on old records."),
  agencyId: z.number().optional(),
  exportId: z.string().optional(),
  holdId: z.number().optional(),
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
  employeeNumber: z.string().nullable(),
  mustChangePassword: z.boolean(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  locked: z.boolean(),
  trainingExpiresOn: z.string().nullable(),
  trainingCurrent: z.boolean(),
  cbiAuthorized: z.boolean().describe('Holds the CBI-data authorization now (policy 424.3(g)).'),
  cbiAuthorizedUntil: z.string().nullable().describe('When it ends; null without one or without an expiry.'),
});

const auditHeadSchema = z.object({ seq: z.number(), mac: z.string().nullable() });

/** What a verification checked: with the key (MACs) or structure only, and the head it covered. */
const auditCheckedFields = {
  entries: z.number(),
  firstSeq: nullableNumber,
  lastSeq: nullableNumber,
  keyed: z.boolean(),
  unkeyed: z.object({ from: z.number(), to: z.number() }).nullable(),
  head: auditHeadSchema.nullable(),
  notes: z.array(z.string()),
};

export const auditVerificationSchema = z.union([
  z.object({ ok: z.literal(true), ...auditCheckedFields }),
  z.object({
    ok: z.literal(false),
    ...auditCheckedFields,
    problem: z.enum([
      'edited',
      'inserted',
      'deleted',
      'renumbered',
      'truncated',
      'rewritten',
      'time_back',
      'purge_permit',
    ]),
    seq: z.number(),
    message: z.string(),
  }),
]);

/** A head published off the unit (`<prefix>/<unit>/audit`): its seq and MAC. */
export const expectHeadSchema = z.object({ seq: z.number().int().min(0), mac: z.string().regex(/^[0-9a-f]{64}$/) });

const holdConcernSchema = z.object({
  id: z.number(),
  caseNumber: z.string(),
  createdBy: z.string(),
  approval: z.string(),
  reviewAt: z.number(),
});

/** The audit report (424.5(e)): the parts the CLI summarises are typed; other fields pass through untyped. */
export const auditReportSchema = z.object({
  unit_id: z.string(),
  unit_key_sha256: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  chain: auditVerificationSchema,
  audit_head: auditHeadSchema.nullable(),
  searches_by_user_and_purpose: z.array(z.object({ username: z.string(), actions: z.record(z.string(), z.number()) })),
  refusals: z.array(z.unknown()),
  hits: z.object({ total: z.number(), confirmed: z.number(), rejected: z.number(), unverified: z.number() }),
  holds: z.array(z.unknown()),
  hold_concerns: z.object({
    broad: z.array(holdConcernSchema),
    long: z.array(holdConcernSchema),
    overdue: z.array(holdConcernSchema),
  }),
  purges: z.array(z.unknown()),
  exports: z.array(
    z.looseObject({
      written: z
        .string()
        .nullable()
        .describe("On an allowed export: 'confirmed', 'failed: why' or 'not confirmed' (the client never said)."),
    }),
  ),
  releases: z.array(z.unknown()),
  records_requests: z.array(z.unknown()),
  logins: z.array(z.object({ succeeded: z.number(), failed: z.number() })),
  lockouts: z.array(z.unknown()),
  training_lapsed: z.array(z.object({ username: z.string(), status: z.string() })),
  identity_incomplete: z.array(z.object({ username: z.string(), problem: z.string() })),
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

export const sourceStatusSchema = z.object({
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

export const ok = z.object({ ok: z.literal(true) });
export const empty = z.object({}).strict();
