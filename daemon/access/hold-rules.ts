import type { HoldScope } from '../store/holds.js';

const DAY_MS = 86_400_000;

/** The retention settings that bound holds (retention.hold_max_range_days, retention.hold_review_days). */
export interface HoldLimits {
  hold_max_range_days: number;
  hold_review_days: number;
}

/**
 * Why a hold scope may not be made at `now`, or undefined (policy 424.4: only data that is or
 * may become evidence escapes the purge). A range must end no later than now: a hold cannot
 * reach reads not yet taken, so it cannot switch off the purge for the future.
 */
export function holdScopeProblem(scope: HoldScope, now: number): string | undefined {
  if (scope.kind !== 'range') return undefined;
  if (scope.to > now)
    return `a hold range must end no later than now (${new Date(now).toISOString()}): a hold keeps evidence that exists, not reads still to come (policy 424.4)`;
  return undefined;
}

/** True when a range is wider than the limit: it protects nothing until a second person approves it. */
export function holdNeedsApproval(scope: HoldScope, limits: HoldLimits): boolean {
  return scope.kind === 'range' && scope.to - scope.from > limits.hold_max_range_days * DAY_MS;
}

/** Why `approver` may not approve a hold `requester` made, or undefined: a second person approves. */
export function approvalProblem(approver: string, requester: string, holdId: number): string | undefined {
  if (approver === requester)
    return `hold ${holdId} was requested by ${approver}: a second person (a supervisor or administrator) must approve it`;
  return undefined;
}

/** The review date of a hold made or renewed at `now`. */
export function reviewDate(now: number, limits: HoldLimits): number {
  return now + limits.hold_review_days * DAY_MS;
}
