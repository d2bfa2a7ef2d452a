/**
 * Who an account belongs to (policy 424.3(b)): one person per account. A user carries the
 * office's employee number and a full name, and an account whose name says it is shared is
 * refused. Pure, so the rule is tested, documented and quoted in refusals in the same words.
 */

/** Words that name a shared account rather than a person. */
export const SHARED_ACCOUNT_RE = /shared|pool|generic|car \d+|unit \d+/i;

const EMPLOYEE_NUMBER_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,23}$/;

/** The rule in the words a refusal uses. */
export const ONE_PERSON_RULE =
  'one person per account (policy 424.3(b)): a user is one named person with an employee number and a full name of at least two words; names with "shared", "pool", "generic", "car N" or "unit N" are refused';

/** Why these identity fields may not make an account, or undefined when they may. */
export function identityProblem(u: {
  username: string;
  fullName: string;
  employeeNumber: string | null | undefined;
}): string | undefined {
  // "patrol.car.12" reads as "patrol car 12".
  const spaced = u.username.replace(/[._-]+/g, ' ');
  for (const [what, v] of [
    ['user name', spaced],
    ['full name', u.fullName],
  ] as const) {
    const m = SHARED_ACCOUNT_RE.exec(v);
    if (m)
      return `refused: the ${what} "${what === 'user name' ? u.username : v}" names a shared account ("${m[0]}"); ${ONE_PERSON_RULE}`;
  }
  const words = u.fullName
    .trim()
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w));
  if (words.length < 2) return `refused: "${u.fullName}" is not a full name (first and last name); ${ONE_PERSON_RULE}`;
  if (!u.employeeNumber?.trim()) return `refused: an employee number is required; ${ONE_PERSON_RULE}`;
  if (!EMPLOYEE_NUMBER_RE.test(u.employeeNumber))
    return `"${u.employeeNumber}" is not an employee number (letters, digits and -, at most 24)`;
  return undefined;
}
