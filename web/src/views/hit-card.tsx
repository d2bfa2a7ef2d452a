import type { WebHit } from '../../../daemon/api/web-contract.js';
import { hitViewModel } from '../logic/hit-view.js';
import { DispositionForm, VerificationForm } from './hit-forms.js';

export interface HitCardProps {
  hit: WebHit;
  now: number;
  /** Dispatch shows which unit read the plate. */
  showUnit: boolean;
  /** The user may record dispositions and verifications (role permission verify_hit). */
  canReview: boolean;
  onChanged(h: WebHit): void;
}

/**
 * One hit. Every value is rendered as text by Preact (never as markup), so a list reason
 * holding `<script>` shows as those characters.
 */
export function HitCard({ hit, now, showUnit, canReview, onChanged }: HitCardProps) {
  const v = hitViewModel(hit, now);
  return (
    <article class={`hit ${v.levelClass}`} aria-labelledby={`hit-${v.id}-plate`} data-hit-id={v.id}>
      <div class={`verification verification-${v.verification.kind}`} role="status">
        {v.verification.text}
      </div>
      <div class="hit-body">
        <div class="crop">
          {v.cropUrl ? <img src={v.cropUrl} alt={v.cropAlt} /> : <span class="muted">no crop stored</span>}
        </div>
        <div class="hit-main">
          <p class="hit-head">
            <span class="level-label">{v.levelLabel}</span>
            <span class="category">{v.categoryLabel}</span>
            {showUnit ? <span class="unit-name">{v.unitText}</span> : null}
          </p>
          <p class="plate-line">
            <span class="plate" id={`hit-${v.id}-plate`}>
              {v.plate}
            </span>
            <span class="state">{v.stateText}</span>
            <span class="confidence" title="reader confidence">
              {v.confidenceText}
            </span>
          </p>
          {v.stateWarning ? <p class="warn">{v.stateWarning}</p> : null}
          <p class={v.matchWarning ? 'warn' : 'muted'}>{v.matchText}</p>
          {v.retrospectiveText ? <p class="warn">{v.retrospectiveText}</p> : null}
          {v.bureau.authorized ? (
            <dl class="bureau">
              {v.bureau.rows.map(([k, val]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{val}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p class="bureau-denied">{v.bureau.text}</p>
          )}
        </div>
        <dl class="hit-facts">
          <div>
            <dt>Time</dt>
            <dd>{v.timeText}</dd>
          </div>
          <div>
            <dt>Camera</dt>
            <dd>{v.cameraText}</dd>
          </div>
          <div>
            <dt>Position</dt>
            <dd>
              {v.positionText}
              <br />
              <span class="muted">{v.locatedText}</span>
            </dd>
          </div>
          <div>
            <dt>List</dt>
            <dd>
              {v.listText}
              {v.listStale ? <strong class="stale"> STALE</strong> : null}
            </dd>
          </div>
        </dl>
      </div>
      {v.dispositionText ? <p class="disposition">Disposition: {v.dispositionText}</p> : null}
      {canReview ? (
        <details class="review">
          <summary>Review this hit</summary>
          <DispositionForm hit={hit} onSaved={onChanged} />
          {hit.verification.status === 'unverified' ? <VerificationForm hit={hit} onSaved={onChanged} /> : null}
        </details>
      ) : null}
    </article>
  );
}
