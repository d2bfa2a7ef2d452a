import {
  ACTION_TAKEN_LABELS,
  BUREAU_NOT_AUTHORIZED,
  CATEGORY_LABELS,
  DISPOSITION_LABELS,
  PAGE_VERIFICATION_NOTICE,
} from '../../../daemon/api/web-constants.js';
import type { WebHit } from '../../../daemon/api/web-contract.js';
import { LEVEL_STYLE } from './alert.js';
import { describeLocated, type FormatOptions, formatAge, formatLatLon, formatPercent, formatTime } from './format.js';

/** What a hit card shows, as plain strings: the card only lays them out (and Preact escapes them). */
export interface HitViewModel {
  id: string;
  levelLabel: string;
  levelClass: string;
  plate: string;
  confidenceText: string;
  stateText: string;
  /** "state not confirmed": the entry names a state the read lacks. */
  stateWarning: string | null;
  categoryLabel: string;
  matchText: string;
  /** Wildcard and lenient matches: the deputy compares the plate with the picture before anything else. */
  matchWarning: boolean;
  listText: string;
  listStale: boolean;
  bureau: { authorized: true; rows: [string, string][] } | { authorized: false; text: string };
  unitText: string;
  cameraText: string;
  timeText: string;
  positionText: string;
  locatedText: string;
  retrospectiveText: string | null;
  verification: { kind: 'unverified' | 'confirmed' | 'rejected'; text: string };
  dispositionText: string | null;
  cropUrl: string | null;
  cropAlt: string;
}

export function hitViewModel(hit: WebHit, now: number, o: FormatOptions = {}): HitViewModel {
  const style = LEVEL_STYLE[hit.alert_level];
  return {
    id: hit.id,
    levelLabel: style.label,
    levelClass: style.className,
    plate: hit.plate,
    confidenceText: formatPercent(hit.confidence),
    stateText: hit.state ?? 'state not read',
    stateWarning: hit.state_confirmed ? null : 'state not confirmed',
    categoryLabel: CATEGORY_LABELS[hit.category] ?? hit.category,
    matchText: matchText(hit),
    matchWarning: hit.match_kind !== 'exact',
    listText: `${hit.list.source} list ${hit.list.version}, ${formatAge(hit.list.age_s)} old`,
    listStale: hit.list.stale,
    bureau: bureauView(hit),
    unitText: hit.unit.name,
    cameraText: hit.camera.name,
    timeText: formatTime(hit.ts, now, o),
    positionText: hit.position ? formatLatLon(hit.position.lat, hit.position.lon) : hit.location_text,
    locatedText: describeLocated(hit.position, hit.position_status),
    retrospectiveText: hit.retrospective
      ? `RETROSPECTIVE: read at ${formatTime(hit.ts, now, o)}, listed later (${formatTime(hit.created_at, now, o)})`
      : null,
    verification: verificationView(hit, now, o),
    dispositionText: hit.disposition
      ? `${DISPOSITION_LABELS[hit.disposition.value]}; ${ACTION_TAKEN_LABELS[hit.disposition.action_taken]}` +
        ` (${hit.disposition.by}, ${formatTime(hit.disposition.at, now, o)})` +
        (hit.disposition.note ? `: ${hit.disposition.note}` : '')
      : null,
    cropUrl: hit.crop_url,
    cropAlt: `plate crop of the read ${hit.plate}`,
  };
}

function matchText(hit: WebHit): string {
  switch (hit.match_kind) {
    case 'exact':
      return 'exact match';
    case 'wildcard':
      return `WILDCARD match on the partial plate ${hit.entry_plate}`;
    case 'lenient':
      return `LENIENT match on ${hit.entry_plate} (look-alike characters such as 0/O, 8/B): compare the plate`;
  }
}

function bureauView(hit: WebHit): HitViewModel['bureau'] {
  const b = hit.bureau;
  if (!b.authorized) return { authorized: false, text: BUREAU_NOT_AUTHORIZED };
  const rows: [string, string][] = [
    ['Reason', b.reason],
    ['Source', b.source],
    ['NIC', b.nic ?? 'none given'],
  ];
  if (b.ori) rows.push(['ORI', b.ori]);
  if (b.vehicle) rows.push(['Vehicle', b.vehicle]);
  if (b.case_number) rows.push(['Case', b.case_number]);
  if (b.notes) rows.push(['Notes', b.notes]);
  return { authorized: true, rows };
}

function verificationView(hit: WebHit, now: number, o: FormatOptions): HitViewModel['verification'] {
  const v = hit.verification;
  if (v.status === 'unverified') return { kind: 'unverified', text: PAGE_VERIFICATION_NOTICE };
  const who = [v.by, v.at ? formatTime(v.at, now, o) : null].filter(Boolean).join(', ');
  const ref = v.reference ? `, reference ${v.reference}` : '';
  const word = v.status === 'confirmed' ? 'CONFIRMED' : 'REJECTED';
  return { kind: v.status, text: `${word} with CBI (${who}${ref})${v.note ? `: ${v.note}` : ''}` };
}
