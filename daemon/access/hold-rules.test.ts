import { approvalProblem, holdNeedsApproval, holdScopeProblem, reviewDate } from './hold-rules.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 28, 12);
const limits = { hold_max_range_days: 7, hold_review_days: 365 };
const range = (from: number, to: number) => ({ kind: 'range' as const, from, to });

describe('hold rules (424.4)', () => {
  it('refuses a range that ends after now, and accepts one that ends now', () => {
    expect(holdScopeProblem(range(0, Date.UTC(2999, 11, 31)), NOW)).toMatch(/must end no later than now/);
    expect(holdScopeProblem(range(NOW - DAY, NOW), NOW)).toBeUndefined();
    expect(holdScopeProblem({ kind: 'reads', readIds: ['r1'] }, NOW)).toBeUndefined();
  });

  it('needs a second person for a range wider than the configured days, not for one within', () => {
    expect(holdNeedsApproval(range(NOW - 7 * DAY, NOW), limits)).toBe(false);
    expect(holdNeedsApproval(range(NOW - 7 * DAY - 1, NOW), limits)).toBe(true);
    expect(holdNeedsApproval(range(NOW - 3 * DAY, NOW), { ...limits, hold_max_range_days: 2 })).toBe(true);
    expect(holdNeedsApproval({ kind: 'reads', readIds: ['r1'] }, limits)).toBe(false);
  });

  it('refuses the requester as the approver', () => {
    expect(approvalProblem('deputy', 'deputy', 4)).toMatch(/hold 4 was requested by deputy: a second person/);
    expect(approvalProblem('sarge', 'deputy', 4)).toBeUndefined();
  });

  it('sets the review date the configured days ahead', () => {
    expect(reviewDate(NOW, limits)).toBe(NOW + 365 * DAY);
    expect(reviewDate(NOW, { ...limits, hold_review_days: 90 })).toBe(NOW + 90 * DAY);
  });
});
