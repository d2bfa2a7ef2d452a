import { AccessDeniedError } from '../shared/errors.js';

/**
 * Why data is being accessed (policy 424.5(c), 424.3(a),(c)): a category and the case or incident
 * number it serves. There is no "general" category: browsing is not a purpose.
 */
export const PURPOSE_CATEGORIES = [
  'criminal_investigation',
  'patrol_operation',
  'missing_person',
  'hit_verification',
  'civil_action',
  'administrative_action',
] as const;
export type PurposeCategory = (typeof PURPOSE_CATEGORIES)[number];

export interface Purpose {
  category: PurposeCategory;
  /** Case or incident number, e.g. `CR26-01234` or `INC-2026-55`. */
  caseNumber: string;
}

const CASE_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{2,39}$/;

/** Checks a purpose given as loose strings (CLI flags, HTTP JSON); throws AccessDeniedError saying what is missing. */
export function parsePurpose(category: string | undefined, caseNumber: string | undefined): Purpose {
  if (!category || !caseNumber) {
    throw new AccessDeniedError(
      'a purpose is required (policy 424.5(c)): give --purpose CATEGORY and --case NUMBER ' +
        `(categories: ${PURPOSE_CATEGORIES.join(', ')})`,
    );
  }
  if (!(PURPOSE_CATEGORIES as readonly string[]).includes(category)) {
    throw new AccessDeniedError(`"${category}" is not a purpose category; use one of ${PURPOSE_CATEGORIES.join(', ')}`);
  }
  const c = caseNumber.trim();
  if (!CASE_RE.test(c)) {
    throw new AccessDeniedError(`"${caseNumber}" is not a case or incident number (3-40 letters, digits, . _ / -)`);
  }
  return { category: category as PurposeCategory, caseNumber: c };
}
