import { notificationProblem, standingNotification } from './release-rules.js';

describe('County Attorney notification times (424.4)', () => {
  const now = Date.UTC(2026, 10, 28, 12);
  const first = now - 3_600_000;

  it('accepts a time between the case first access and now', () => {
    expect(notificationProblem(first, now, first)).toBeUndefined();
    expect(notificationProblem(now, now, first)).toBeUndefined();
    expect(notificationProblem(0, now, null)).toBeUndefined();
  });

  it('refuses a time in the future and one before the first access', () => {
    expect(notificationProblem(now + 1, now, first)).toMatch(/is in the future/);
    expect(notificationProblem(Date.UTC(1970, 0, 1), now, first)).toBe(
      "the County Attorney notification time 1970-01-01T00:00:00.000Z is before the case's first access (2026-11-28T11:00:00.000Z): record when the notification was actually made",
    );
    expect(notificationProblem(Number.NaN, now, first)).toMatch(/give the time/);
  });

  it('takes the latest notification that still stands', () => {
    const n = (at: number) => ({ caseNumber: 'C', notifiedBy: 'x', notifiedAt: at });
    expect(standingNotification([n(now + 5), n(first + 1), n(0)], now, first)).toEqual(n(first + 1));
    expect(standingNotification([n(0)], now, first)).toBeUndefined();
  });
});
