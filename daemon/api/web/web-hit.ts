import type { PageHit } from '../../access/page-access.js';
import type { StoredRead } from '../../store/reads.js';
import { isCategory } from '../../hotlist/entry.js';
import { alertLevelFor, routePath, WEB_PATHS } from '../web-constants.js';
import type { BureauDetails, Position, WebHit, WebRead } from '../web-contract.js';

/** What the mapping needs to know about the unit, its cameras and lists. */
export interface PageSite {
  unit: { id: string; name: string };
  cameraName(id: string): string;
  /** hotlists.stale_after_h in ms. */
  staleAfterMs: number;
  /** The dispatch console: the unit (and camera name) a received read came from; a unit leaves it out. */
  originOf?(readId: string): { unit: { id: string; name: string }; cameraName: string } | undefined;
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface EntrySnapshot {
  reason?: string;
  source?: string;
  nic?: string | null;
  ori?: string | null;
  notes?: string;
  caseNumber?: string | null;
  priority?: number | null;
  plate?: string;
  vehicle?: string | null;
  list_source?: string;
}

function position(read: StoredRead | undefined): Position | null {
  const p = read?.position;
  if (!p) return null;
  return {
    lat: p.lat,
    lon: p.lon,
    accuracy_m: p.accuracyM,
    source: p.source,
    fix_mode: p.fixMode,
    fix_age_s: p.fixAgeS,
  };
}

function cropUrl(readId: string): string {
  return routePath(WEB_PATHS.crop, { read_id: readId });
}

/**
 * A hit as the page receives it. Bureau details (policy 424.3(g)) are left out HERE, by the
 * server, for a user without the CBI-data authorization: the reason, NIC, ORI, notes and vehicle
 * never leave the unit for them.
 */
export function toWebHit(p: PageHit, site: PageSite, cbiAuthorized: boolean, now: number): WebHit {
  const { hit, view, read } = p;
  let entry: EntrySnapshot = {};
  try {
    entry = JSON.parse(hit.entryJson) as EntrySnapshot;
  } catch {
    // An unreadable snapshot shows as an entry without details.
  }
  const bureau: BureauDetails = cbiAuthorized
    ? {
        authorized: true,
        reason: hit.reason,
        source: entry.source ?? '',
        nic: entry.nic ?? null,
        ori: entry.ori ?? null,
        notes: entry.notes ?? '',
        vehicle: entry.vehicle ?? null,
        case_number: entry.caseNumber ?? null,
      }
    : { authorized: false };
  const ageS = Math.max(0, Math.round((hit.listAgeS ?? 0) + (now - hit.createdAt) / 1000));
  const category = isCategory(hit.category) ? hit.category : 'other';
  const origin = site.originOf?.(hit.readId);
  return {
    id: hit.id,
    read_id: hit.readId,
    cursor: String(p.row),
    unit: origin?.unit ?? site.unit,
    ts: iso(read?.lastSeen ?? hit.createdAt),
    created_at: iso(hit.createdAt),
    camera: { id: hit.cameraId, name: origin?.cameraName ?? site.cameraName(hit.cameraId) },
    location_text: read?.locationText ?? '',
    position: position(read),
    position_status: read?.positionStatus ?? 'no_fix',
    plate: hit.plate,
    state: hit.state,
    state_confirmed: hit.stateConfirmed,
    confidence: Math.min(1, Math.max(0, read?.confidence ?? 0)),
    match_kind: hit.matchKind === 'wildcard' || hit.matchKind === 'lenient' ? hit.matchKind : 'exact',
    entry_plate: entry.plate ?? hit.plate,
    retrospective: hit.retrospective,
    category,
    alert_level: alertLevelFor(category),
    list_priority: typeof entry.priority === 'number' ? Math.round(entry.priority) : null,
    list: {
      source: entry.list_source ?? entry.source ?? '',
      version: hit.listVersion,
      age_s: ageS,
      stale: (hit.listAgeS ?? 0) * 1000 > site.staleAfterMs,
    },
    crop_url: p.hasCrop ? cropUrl(hit.readId) : null,
    bureau,
    verification: {
      status: view.status,
      by: view.verifiedBy,
      at: view.verifiedAt === null ? null : iso(view.verifiedAt),
      reference: view.verificationRef,
      note: view.verificationNote,
      case_number: null,
    },
    disposition: p.disposition
      ? {
          value: p.disposition.value,
          action_taken: p.disposition.actionTaken as NonNullable<WebHit['disposition']>['action_taken'],
          note: p.disposition.note,
          by: p.disposition.recordedBy,
          at: iso(p.disposition.recordedAt),
        }
      : null,
  };
}

export function toWebRead(
  r: { read: StoredRead; hitIds: string[]; hasCrop: boolean; distanceM?: number },
  site: PageSite,
): WebRead {
  const origin = site.originOf?.(r.read.id);
  return {
    id: r.read.id,
    unit: origin?.unit ?? site.unit,
    camera: { id: r.read.cameraId, name: origin?.cameraName ?? site.cameraName(r.read.cameraId) },
    ts: iso(r.read.lastSeen),
    plate: r.read.plate,
    state: r.read.state,
    confidence: Math.min(1, Math.max(0, r.read.confidence)),
    location_text: r.read.locationText,
    position: position(r.read),
    position_status: r.read.positionStatus,
    crop_url: r.hasCrop ? cropUrl(r.read.id) : null,
    ...(r.distanceM === undefined ? {} : { distance_m: r.distanceM }),
    hit_ids: r.hitIds,
  };
}
