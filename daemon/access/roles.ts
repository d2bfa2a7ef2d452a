/**
 * Roles and what each may do (policy 424.2, 424.3(b)). A role is issued to one person
 * (a user); the table below is the whole permission model, so docs/roles.md and the tests read it.
 */
export const ROLES = ['administrator', 'supervisor', 'operator', 'auditor', 'technician', 'records_manager'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'search', // reads by plate, time, camera; canvass; view one read and its crop
  'view_hits', // list hits and their verification state
  'verify_hit', // record the bureau's confirmation or rejection (424.3(f))
  'hold_create', // put data under an evidence hold (424.4)
  'hold_release',
  'hold_list',
  'hold_approve', // the second person who lets a wide hold protect data (424.4)
  'hold_renew', // keeps a hold past its review date
  'export', // evidence export to portable media (424.4)
  'release', // record a release to another agency (424.4, 424.5(d))
  'hotlist_manage', // add/remove hotlist entries by hand
  'records_request_create', // record a non-law-enforcement request (424.5(a))
  'records_request_manage', // list and close them (the records manager)
  'audit_report', // 424.5(e)
  'audit_verify',
  'users_manage', // users and roles
  'training_record', // record someone else's training (424.3(e))
  'agency_manage', // the agency registry that fixes each agency's level (424.4)
  'agency_list',
  'password_change', // change one's own password
  'unit_configure', // technician work: config, cameras, health; no read data
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Actions that touch ALPR data (reads, crops, hits, plates in queries): they need current training
 * (424.3(e)) whatever the role. The others (user admin, records-request routing, chain checks,
 * unit configuration) reveal no read data.
 */
export const DATA_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'search',
  'view_hits',
  'verify_hit',
  'hold_create',
  'hold_release',
  'hold_list',
  'hold_approve',
  'hold_renew',
  'export',
  'release',
  'hotlist_manage',
  'audit_report',
]);

/** Data actions that must name a purpose (424.5(c)): a category and a case or incident number. */
export const PURPOSE_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'search',
  'view_hits',
  'verify_hit',
  'hold_create',
  'export',
  'release',
]);

export const PERMISSIONS: Record<Role, ReadonlySet<Action>> = {
  administrator: new Set<Action>(ACTIONS),
  // A second pair of eyes: approves wide holds and records training, with no user or unit administration.
  supervisor: new Set<Action>([
    'hold_list',
    'hold_approve',
    'hold_renew',
    'training_record',
    'records_request_create',
    'agency_list',
    'password_change',
  ]),
  operator: new Set<Action>([
    'search',
    'view_hits',
    'verify_hit',
    'hold_create',
    'hold_list',
    'hold_renew',
    'export',
    'release',
    'hotlist_manage',
    'records_request_create',
    'agency_list',
    'password_change',
  ]),
  auditor: new Set<Action>([
    'agency_list',
    'audit_report',
    'audit_verify',
    'hold_list',
    'view_hits',
    'records_request_create',
    'password_change',
  ]),
  technician: new Set<Action>(['unit_configure', 'audit_verify', 'records_request_create', 'password_change']),
  records_manager: new Set<Action>([
    'records_request_create',
    'records_request_manage',
    'hold_create',
    'hold_list',
    'hold_release',
    'hold_renew',
    'agency_list',
    'password_change',
  ]),
};

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function roleAllows(role: Role, action: Action): boolean {
  return PERMISSIONS[role].has(action);
}
