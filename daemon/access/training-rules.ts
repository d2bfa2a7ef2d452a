/**
 * Who may record training and for how long it counts (policy 424.3(e)). Pure, so the rule is
 * tested and quoted on its own: someone other than the trainee records it, it was completed by
 * today, and it is valid at most `validDays` from completion (access.training_valid_days).
 */

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function dayMs(d: string): number {
  return DATE_RE.test(d) ? Date.parse(`${d}T00:00:00Z`) : Number.NaN;
}

/** `completedOn` plus `validDays`, as YYYY-MM-DD: the latest expiry a record may have. */
export function latestExpiry(completedOn: string, validDays: number): string {
  return new Date(dayMs(completedOn) + validDays * DAY_MS).toISOString().slice(0, 10);
}

/** Why this training record may not be written, or undefined when it may. */
export function trainingProblem(t: {
  recorderId: number;
  traineeId: number;
  completedOn: string;
  expiresOn: string;
  today: string;
  validDays: number;
}): string | undefined {
  if (t.recorderId === t.traineeId)
    return 'training is recorded by someone other than the trainee (policy 424.3(e)): ask an administrator or a supervisor';
  for (const [flag, v] of [
    ['--completed-on', t.completedOn],
    ['--expires-on', t.expiresOn],
  ] as const)
    if (Number.isNaN(dayMs(v))) return `${flag} "${v}" is not a date (YYYY-MM-DD)`;
  if (t.completedOn > t.today)
    return `the training completion date ${t.completedOn} is in the future: record training once it is completed`;
  if (t.expiresOn < t.completedOn)
    return `training cannot expire (${t.expiresOn}) before it was completed (${t.completedOn})`;
  const latest = latestExpiry(t.completedOn, t.validDays);
  if (t.expiresOn > latest)
    return `training is valid at most ${t.validDays} days (access.training_valid_days): training completed on ${t.completedOn} expires on ${latest} at the latest`;
  return undefined;
}
