import type { AttorneyNotification } from '../store/releases.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Why a County Attorney notification time cannot stand (policy 424.4), or undefined: it is not in
 * the future, and not before the case's first access in the audit log (the office cannot have
 * told the attorney about data it had not yet looked at).
 */
export function notificationProblem(notifiedAt: number, now: number, firstAccess: number | null): string | undefined {
  if (!Number.isFinite(notifiedAt)) return 'give the time the County Attorney was notified';
  if (notifiedAt > now)
    return `the County Attorney notification time ${iso(notifiedAt)} is in the future: notify first, then record it`;
  if (firstAccess !== null && notifiedAt < firstAccess)
    return `the County Attorney notification time ${iso(notifiedAt)} is before the case's first access (${iso(firstAccess)}): record when the notification was actually made`;
  return undefined;
}

/** The latest of the case's notifications that still stands, or undefined. */
export function standingNotification(
  list: AttorneyNotification[],
  now: number,
  firstAccess: number | null,
): AttorneyNotification | undefined {
  return list.find((n) => notificationProblem(n.notifiedAt, now, firstAccess) === undefined);
}

/** The refusal of a federal release or export while no notification stands. */
export function federalNeedsNotification(caseNumber: string, firstAccess: number | null): string {
  return `a release to a federal agency needs the County Attorney notified first (policy 424.4): record it with alpr-edge releases notify --case ${caseNumber} --notified-by NAME --at TIME (not in the future${firstAccess === null ? '' : `, not before the case's first access ${iso(firstAccess)}`})`;
}
