import { useState } from 'preact/hooks';
import type { WebSession } from '../../../daemon/api/web-contract.js';
import { ApiError, changePassword, login, logout, setPatrolPurpose } from '../api.js';
import { formatTime } from '../logic/format.js';
import { ErrorLine, errorText, Field, PurposeFields, type PurposeValue } from './common.js';

/** Why a login was refused, plainly: a lockout says until when, in local time. */
export function loginRefusal(e: unknown, now: number): string {
  if (e instanceof ApiError && e.code === 'locked' && e.lockedUntil) {
    return `This account is locked after repeated failed logins, until ${formatTime(e.lockedUntil, now)}. Ask an administrator if it cannot wait.`;
  }
  if (e instanceof ApiError && e.code === 'rate_limited' && e.retryAfterS !== undefined) {
    return `Too many login attempts from this computer: wait ${e.retryAfterS} s and try again.`;
  }
  return errorText(e);
}

export function LoginView({
  notice,
  onLoggedIn,
}: {
  /** Why the user is here again (session expired, logged out elsewhere). */
  notice: string | null;
  onLoggedIn(s: WebSession): void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await login(username, password);
      setPassword('');
      onLoggedIn(s);
    } catch (err) {
      setError(loginRefusal(err, Date.now()));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="narrow" id="main">
      <h1>ALPR unit: log in</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <Field id="login-user" label="User name">
          <input
            id="login-user"
            autoComplete="username"
            required
            // biome-ignore lint/a11y/noAutofocus: the login form is all the page shows; the car's keyboard types straight into it
            autoFocus
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </Field>
        <Field id="login-password" label="Password">
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          Log in
        </button>
        <ErrorLine error={error} />
      </form>
    </main>
  );
}

/** The own password: forced after an administrator's reset (every other route refuses until then). */
export function PasswordView({
  forced,
  onChanged,
  onCancel,
}: {
  forced: boolean;
  onChanged(s: WebSession): void;
  onCancel(): void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (next !== repeat) {
      setError('The new password and its repetition differ: type them again.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onChanged(await changePassword(current, next));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="narrow" id="main">
      <h1>Change your password</h1>
      {forced ? (
        <p class="notice" role="status">
          Your password was reset: choose a new one before anything else.
        </p>
      ) : null}
      <form onSubmit={submit}>
        <Field id="pw-current" label="Current password">
          <input
            id="pw-current"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </Field>
        <Field id="pw-new" label="New password">
          <input
            id="pw-new"
            type="password"
            autoComplete="new-password"
            required
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </Field>
        <Field id="pw-repeat" label="New password again">
          <input
            id="pw-repeat"
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onInput={(e) => setRepeat(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          Change password
        </button>{' '}
        <button type="button" class="secondary" onClick={forced ? () => void logout().then(onCancel) : onCancel}>
          {forced ? 'Log out' : 'Cancel'}
        </button>
        <ErrorLine error={error} />
      </form>
    </main>
  );
}

/** The purpose live hits and recent reads are shown under, asked once per shift (policy 424.5(c)). */
export function PatrolPurposeView({ session, onSet }: { session: WebSession; onSet(s: WebSession): void }) {
  const [value, setValue] = useState<PurposeValue>({
    category: session.patrol_purpose?.category ?? 'patrol_operation',
    caseNumber: session.patrol_purpose?.case_number ?? '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSet(await setPatrolPurpose({ category: value.category, case_number: value.caseNumber.trim() }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="narrow" id="main">
      <h1>Purpose of this shift</h1>
      <p>
        Live hits and recent reads are shown, and logged, under this purpose and the shift's incident or case number
        (policy 424.5(c)).
      </p>
      <form onSubmit={submit}>
        <PurposeFields idPrefix="patrol" value={value} onChange={setValue} />
        <button type="submit" disabled={busy}>
          Start
        </button>
        <ErrorLine error={error} />
      </form>
    </main>
  );
}
