import type { WebHit } from '../../daemon/api/web-contract.js';

/** A hit as the server sends it (web-contract.ts webHitSchema), for the page's tests. */
export function sampleHit(over: Partial<WebHit> = {}): WebHit {
  return {
    id: '7d0c8a52-3f3e-4a55-9a57-1f2b8a1c0001',
    read_id: 'read-0001',
    cursor: '1',
    unit: { id: 'car-12', name: 'Car 12' },
    ts: '2026-11-28T14:30:05.000Z',
    created_at: '2026-11-28T14:30:05.200Z',
    camera: { id: 'front', name: 'Front' },
    location_text: 'US-6 at Clear Creek',
    position: { lat: 39.7411, lon: -105.5172, accuracy_m: 6, source: 'gps', fix_mode: '3d', fix_age_s: 0.4 },
    position_status: 'ok',
    plate: 'ABC1234',
    state: 'CO',
    state_confirmed: true,
    confidence: 0.934,
    match_kind: 'exact',
    entry_plate: 'ABC1234',
    retrospective: false,
    category: 'stolen_vehicle',
    alert_level: 'high',
    list_priority: null,
    list: { source: 'cbi', version: '2026-11-28T06', age_s: 3 * 3600, stale: false },
    crop_url: '/api/web/crops/read-0001',
    bureau: {
      authorized: true,
      reason: 'Stolen from Idaho Springs',
      source: 'CBI',
      nic: 'V123456789',
      ori: 'CO0100000',
      notes: '',
      vehicle: 'Blue Subaru Outback',
      case_number: null,
    },
    verification: { status: 'unverified', by: null, at: null, reference: null, note: null, case_number: null },
    disposition: null,
    ...over,
  };
}
