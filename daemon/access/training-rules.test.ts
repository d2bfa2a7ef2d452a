import { latestExpiry, trainingProblem } from './training-rules.js';

describe('training records (424.3(e))', () => {
  const ok = {
    recorderId: 1,
    traineeId: 2,
    completedOn: '2026-11-02',
    expiresOn: '2027-11-02',
    today: '2026-11-28',
    validDays: 365,
  };

  it('accepts training recorded by someone else, completed by today, within the valid days', () => {
    expect(trainingProblem(ok)).toBeUndefined();
    expect(trainingProblem({ ...ok, completedOn: '2026-11-28', expiresOn: '2027-11-28' })).toBeUndefined();
  });

  it('refuses a trainee recording their own training', () => {
    expect(trainingProblem({ ...ok, recorderId: 2 })).toMatch(/someone other than the trainee \(policy 424\.3\(e\)\)/);
  });

  it('refuses a completion date in the future', () => {
    expect(trainingProblem({ ...ok, completedOn: '2026-11-29', expiresOn: '2027-01-01' })).toMatch(
      /completion date 2026-11-29 is in the future/,
    );
  });

  it('refuses an expiry beyond the valid days, naming the latest allowed', () => {
    expect(trainingProblem({ ...ok, expiresOn: '2126-11-02' })).toBe(
      'training is valid at most 365 days (access.training_valid_days): training completed on 2026-11-02 expires on 2027-11-02 at the latest',
    );
    expect(trainingProblem({ ...ok, expiresOn: '2028-11-01', validDays: 730 })).toBeUndefined();
  });

  it('refuses an expiry before completion and a malformed date', () => {
    expect(trainingProblem({ ...ok, expiresOn: '2026-01-01' })).toMatch(/cannot expire/);
    expect(trainingProblem({ ...ok, completedOn: '11/02/2026' })).toMatch(
      /--completed-on "11\/02\/2026" is not a date/,
    );
  });

  it('computes the latest expiry across a leap day', () => {
    expect(latestExpiry('2027-03-01', 365)).toBe('2028-02-29');
  });
});
