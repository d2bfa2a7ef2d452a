import { identityProblem } from './identity.js';
import { passwordProblem } from './password-strength.js';

describe('one person per account', () => {
  const person = { username: 'rsmith', fullName: 'Rob Smith', employeeNumber: 'E-1041' };

  it('accepts a named person with an employee number', () => {
    expect(identityProblem(person)).toBeUndefined();
    expect(identityProblem({ ...person, fullName: 'María José Núñez' })).toBeUndefined();
  });

  it.each([
    ['full name', { fullName: 'Patrol Car 12 (shared)' }, /names a shared account \("Car 12"\)/],
    ['full name', { fullName: 'Front Desk Shared' }, /names a shared account \("Shared"\)/],
    ['full name', { fullName: 'Car 12 Night' }, /\("Car 12"\)/],
    ['full name', { fullName: 'Unit 4 Crew' }, /\("Unit 4"\)/],
    ['user name', { username: 'patrol.car.12' }, /user name "patrol\.car\.12" names a shared account/],
    ['user name', { username: 'dispatch-pool' }, /\("pool"\)/],
    ['user name', { username: 'generic1' }, /\("generic"\)/],
  ])('refuses a %s that names a shared account, quoting the rule', (_what, change, message) => {
    const problem = identityProblem({ ...person, ...change });
    expect(problem).toMatch(message);
    expect(problem).toMatch(/one person per account \(policy 424\.3\(b\)\)/);
  });

  it('refuses a full name of one word and a missing or malformed employee number', () => {
    expect(identityProblem({ ...person, fullName: 'Smith' })).toMatch(/"Smith" is not a full name/);
    expect(identityProblem({ ...person, fullName: 'R. 7' })).toMatch(/is not a full name/);
    expect(identityProblem({ ...person, employeeNumber: '' })).toMatch(/employee number is required/);
    expect(identityProblem({ ...person, employeeNumber: null })).toMatch(/employee number is required/);
    expect(identityProblem({ ...person, employeeNumber: 'E 10; DROP' })).toMatch(/is not an employee number/);
  });
});

describe('password strength', () => {
  it('refuses Password1234 as a common password', () => {
    expect(passwordProblem('Password1234', 12)).toMatch(/^password refused: a common password/);
  });

  it('refuses a password under 12 characters whatever the config says', () => {
    expect(passwordProblem('Xq7#mP2v!k', 10)).toBe('password refused: too short (at least 12 characters)');
    expect(passwordProblem('Tr4ffic-Lamp-Orbit', 20)).toMatch(/too short \(at least 20/);
  });

  it('refuses repeats, keyboard runs and the user own name', () => {
    expect(passwordProblem('zzzzzzzzzzzzzzzz', 12)).toMatch(/too easy to guess/);
    expect(passwordProblem('qwertyuiop12', 12)).toMatch(/refused/);
    expect(passwordProblem('Robert Smithson 2026', 12, ['rsmithson', 'Robert Smithson'])).toMatch(
      /contains your name or user name/,
    );
  });

  it('accepts a long unguessable passphrase', () => {
    expect(passwordProblem('Traffic-Lamp-Orbit-9', 12)).toBeUndefined();
    expect(passwordProblem('correct horse battery', 12)).toBeUndefined();
  });
});
