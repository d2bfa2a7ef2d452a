import { useState } from 'preact/hooks';
import {
  ACTION_TAKEN_LABELS,
  ACTIONS_TAKEN,
  type ActionTaken,
  DISPOSITION_LABELS,
  DISPOSITIONS,
  type Disposition,
  type VerificationOutcome,
} from '../../../daemon/api/web-constants.js';
import type { WebHit } from '../../../daemon/api/web-contract.js';
import { recordDisposition, recordVerification } from '../api.js';
import { ErrorLine, errorText, Field } from './common.js';

/** The deputy's review: what the read was and what was done (wrong-state and misreads are common). */
export function DispositionForm({ hit, onSaved }: { hit: WebHit; onSaved(h: WebHit): void }) {
  const [value, setValue] = useState<Disposition>(hit.disposition?.value ?? 'correct_read');
  const [action, setAction] = useState<ActionTaken>(hit.disposition?.action_taken ?? 'none');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idp = `disp-${hit.id}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await recordDisposition(hit.id, { disposition: value, action_taken: action, note }));
      setNote('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="hit-form" onSubmit={submit} aria-label={`Disposition of ${hit.plate}`}>
      <fieldset>
        <legend>Disposition</legend>
        <div class="choices">
          {DISPOSITIONS.map((d) => (
            <label key={d} class="choice">
              <input type="radio" name={`${idp}-value`} value={d} checked={value === d} onChange={() => setValue(d)} />
              {DISPOSITION_LABELS[d]}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="row">
        <Field id={`${idp}-action`} label="Action taken">
          <select id={`${idp}-action`} value={action} onChange={(e) => setAction(e.currentTarget.value as ActionTaken)}>
            {ACTIONS_TAKEN.map((a) => (
              <option key={a} value={a}>
                {ACTION_TAKEN_LABELS[a]}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${idp}-note`} label="Note">
          <input id={`${idp}-note`} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </Field>
      </div>
      <button type="submit" disabled={busy}>
        Record disposition
      </button>
      <ErrorLine error={error} />
    </form>
  );
}

/** The bureau's answer (policy 424.3(f)): confirmed or rejected, its reference, a note and the case. */
export function VerificationForm({ hit, onSaved }: { hit: WebHit; onSaved(h: WebHit): void }) {
  const [outcome, setOutcome] = useState<VerificationOutcome>('confirmed');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [caseNumber, setCaseNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idp = `verif-${hit.id}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await recordVerification(hit.id, { outcome, reference, note, case_number: caseNumber }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="hit-form" onSubmit={submit} aria-label={`CBI verification of ${hit.plate}`}>
      <fieldset>
        <legend>CBI verification</legend>
        <div class="choices">
          {(['confirmed', 'rejected'] as const).map((o) => (
            <label key={o} class="choice">
              <input
                type="radio"
                name={`${idp}-outcome`}
                value={o}
                checked={outcome === o}
                onChange={() => setOutcome(o)}
              />
              {o === 'confirmed' ? 'Confirmed by CBI' : 'Rejected by CBI'}
            </label>
          ))}
        </div>
      </fieldset>
      <div class="row">
        <Field id={`${idp}-ref`} label="CBI reference">
          <input
            id={`${idp}-ref`}
            required
            maxLength={80}
            value={reference}
            onInput={(e) => setReference(e.currentTarget.value)}
          />
        </Field>
        <Field id={`${idp}-case`} label="Case number">
          <input
            id={`${idp}-case`}
            required
            minLength={3}
            maxLength={40}
            value={caseNumber}
            onInput={(e) => setCaseNumber(e.currentTarget.value)}
          />
        </Field>
        <Field id={`${idp}-note`} label="Note">
          <input id={`${idp}-note`} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </Field>
      </div>
      <button type="submit" disabled={busy}>
        Record verification
      </button>
      <ErrorLine error={error} />
    </form>
  );
}
