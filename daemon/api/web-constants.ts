import { CATEGORIES, type Category } from '../hotlist/entry.js';
import { PURPOSE_CATEGORIES, type PurposeCategory } from '../access/purpose.js';

/**
 * Values the in-car / dispatch page and the daemon's web routes share at run time. Free of zod
 * and of anything Node-only, so the page's bundle can import it: the page imports the zod
 * schemas of web-contract.ts for their types only.
 */

export { CATEGORIES, PURPOSE_CATEGORIES };
export type { Category, PurposeCategory };

/** Every route of the page lives under this prefix: the session cookie and the CSRF check apply here and nowhere else. */
export const WEB_API_PREFIX = '/api/web';

/** The session cookie (HttpOnly; Secure; SameSite=Strict; Path=/api/web). The page never reads it. */
export const WEB_SESSION_COOKIE = 'alpr_session';

/** Header carrying the CSRF token that GET /session and POST /login return; required on every POST. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The Content-Security-Policy the daemon sends with the page and every asset: nothing inline,
 * nothing from elsewhere. `connect-src 'self'` covers the SSE stream and the live-view WebSocket
 * (same host). The live-view player runs its JavaScript decoder (no `wasm-unsafe-eval`).
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Policy 424.3(f), on every hit until someone records the bureau's answer. The MQTT payload
 * carries its own wording (alerts/payloads.ts VERIFICATION_NOTICE); this is the page's banner.
 */
export const PAGE_VERIFICATION_NOTICE = 'UNVERIFIED — confirm with CBI before any enforcement action';

/** Policy 424.3(g): shown in place of the bureau's details to a user without the CBI-data authorization. */
export const BUREAU_NOT_AUTHORIZED = 'bureau details: not authorized';

/** The deputy's review of a hit: what the read was (wrong-state and misread hits are common). */
export const DISPOSITIONS = ['correct_read', 'misread', 'wrong_state', 'dismissed'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export const DISPOSITION_LABELS: Record<Disposition, string> = {
  correct_read: 'Correct read',
  misread: 'Misread',
  wrong_state: 'Wrong state',
  dismissed: 'Dismissed',
};

/** What the deputy did about the hit, for the audit report (424.5(e)). */
export const ACTIONS_TAKEN = [
  'none',
  'observed',
  'vehicle_stopped',
  'occupants_contacted',
  'vehicle_recovered',
  'arrest',
  'other',
] as const;
export type ActionTaken = (typeof ACTIONS_TAKEN)[number];

export const ACTION_TAKEN_LABELS: Record<ActionTaken, string> = {
  none: 'No action',
  observed: 'Observed only',
  vehicle_stopped: 'Vehicle stopped',
  occupants_contacted: 'Occupants contacted',
  vehicle_recovered: 'Vehicle recovered',
  arrest: 'Arrest',
  other: 'Other (see note)',
};

export const VERIFICATION_OUTCOMES = ['confirmed', 'rejected'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/**
 * How loudly a hit is announced. `urgent` is the top priority: its own tone, and it sounds even
 * while the page is muted.
 */
export const ALERT_LEVELS = ['urgent', 'high', 'normal'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/**
 * The level of each list category: people at risk and officer-safety entries are urgent, stolen
 * property high, the rest normal. The server puts the level on each hit (so a unit and the
 * dispatch console agree); a per-agency table in the config can replace this one.
 */
export const CATEGORY_ALERT_LEVEL: Record<Category, AlertLevel> = {
  amber_alert: 'urgent',
  missing_person: 'urgent',
  wanted_person: 'urgent',
  felony_vehicle: 'urgent',
  gang_terrorist: 'urgent',
  stolen_vehicle: 'high',
  stolen_plate: 'high',
  protection_order: 'high',
  sex_offender: 'normal',
  investigation: 'normal',
  bolo: 'normal',
  other: 'normal',
};

export function alertLevelFor(category: string): AlertLevel {
  return (CATEGORY_ALERT_LEVEL as Record<string, AlertLevel>)[category] ?? 'normal';
}

export const CATEGORY_LABELS: Record<Category, string> = {
  stolen_vehicle: 'Stolen vehicle',
  stolen_plate: 'Stolen plate',
  wanted_person: 'Wanted person',
  felony_vehicle: 'Felony vehicle',
  missing_person: 'Missing person',
  amber_alert: 'AMBER alert',
  protection_order: 'Protection order',
  sex_offender: 'Sex offender',
  gang_terrorist: 'Gang / terrorist',
  investigation: 'Investigation',
  bolo: 'BOLO',
  other: 'Other',
};

export const PURPOSE_LABELS: Record<PurposeCategory, string> = {
  criminal_investigation: 'Criminal investigation',
  patrol_operation: 'Patrol operation',
  missing_person: 'Missing person',
  hit_verification: 'Hit verification',
  civil_action: 'Civil action',
  administrative_action: 'Administrative action',
};

/** Event names on GET /api/web/events (Server-Sent Events); the data of each is one JSON object, see web-contract.ts. */
export const WEB_EVENTS = ['hit', 'hit_update', 'unit', 'session_end'] as const;
export type WebEventName = (typeof WEB_EVENTS)[number];

/** The page's routes by name (methods, bodies and answers: WEB_ROUTES in web-contract.ts). `:name` segments are parameters. */
export const WEB_PATHS = {
  session: `${WEB_API_PREFIX}/session`,
  login: `${WEB_API_PREFIX}/login`,
  logout: `${WEB_API_PREFIX}/logout`,
  password: `${WEB_API_PREFIX}/password`,
  patrolPurpose: `${WEB_API_PREFIX}/purpose`,
  events: `${WEB_API_PREFIX}/events`,
  hits: `${WEB_API_PREFIX}/hits`,
  disposition: `${WEB_API_PREFIX}/hits/:id/disposition`,
  verification: `${WEB_API_PREFIX}/hits/:id/verification`,
  recentReads: `${WEB_API_PREFIX}/reads`,
  search: `${WEB_API_PREFIX}/search`,
  crop: `${WEB_API_PREFIX}/crops/:read_id`,
  health: `${WEB_API_PREFIX}/health`,
  units: `${WEB_API_PREFIX}/units`,
  cameras: `${WEB_API_PREFIX}/cameras`,
  liveStart: `${WEB_API_PREFIX}/cameras/:id/live`,
  liveEnd: `${WEB_API_PREFIX}/live/:live_id/end`,
} as const;

/** Fills the `:name` segments of a path, each escaped as one path segment. */
export function routePath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([a-z_]+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`the path ${path} needs the parameter ${name}`);
    return encodeURIComponent(v);
  });
}
