import type { ComponentChildren } from 'preact';
import { PURPOSE_CATEGORIES, PURPOSE_LABELS, type PurposeCategory } from '../../../daemon/api/web-constants.js';
import { ApiError } from '../api.js';

/** A refusal as the user should read it; the server's messages are written for people. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

export function Field({ id, label, children }: { id: string; label: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}

export interface PurposeValue {
  category: PurposeCategory;
  caseNumber: string;
}

/** The purpose and case every governed look at data needs (policy 424.5(c)). */
export function PurposeFields({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: PurposeValue;
  onChange(v: PurposeValue): void;
}) {
  return (
    <div class="row">
      <Field id={`${idPrefix}-purpose`} label="Purpose">
        <select
          id={`${idPrefix}-purpose`}
          value={value.category}
          onChange={(e) => onChange({ ...value, category: e.currentTarget.value as PurposeCategory })}
        >
          {PURPOSE_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {PURPOSE_LABELS[c]}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${idPrefix}-case`} label="Case or incident number">
        <input
          id={`${idPrefix}-case`}
          required
          minLength={3}
          maxLength={40}
          pattern="[A-Za-z0-9][A-Za-z0-9._\/\-]{2,39}"
          value={value.caseNumber}
          onInput={(e) => onChange({ ...value, caseNumber: e.currentTarget.value })}
        />
      </Field>
    </div>
  );
}
