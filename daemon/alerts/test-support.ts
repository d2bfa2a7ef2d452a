import { randomUUID } from 'node:crypto';
import type { HitPayloadInput } from './payloads.js';

/** Test helpers for hit messages (not used by the daemon). */

/**
 * A hit on `plate` of the state bureau's stolen-vehicle list, read by car12's front camera at
 * `readAt` (default now), with fresh ids; `over` changes any field (`entry` by field).
 */
export function sampleHitInput(
  plate = 'ABC123',
  over: Partial<Omit<HitPayloadInput, 'entry'>> & { entry?: Partial<HitPayloadInput['entry']> } = {},
): HitPayloadInput {
  const readAt = over.readAt ?? Date.now();
  const { entry, ...rest } = over;
  return {
    hitId: randomUUID(),
    readId: randomUUID(),
    unitId: 'car12',
    readAt,
    createdAt: readAt,
    camera: { id: 'front', name: 'Front' },
    location: { text: 'US-6', lat: 39.7, lon: -105.6 },
    plate,
    state: 'CO',
    stateConfirmed: true,
    confidence: 0.9,
    matchKind: 'exact',
    retrospective: false,
    list: { source: 'cbi', version: 'v1', ageS: 60, stale: false },
    cropJpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
    ...rest,
    entry: {
      plate,
      state: 'CO',
      category: 'stolen_vehicle',
      reason: 'stolen',
      source: 'CBI',
      nic: null,
      case_number: null,
      expires: null,
      priority: null,
      notes: '',
      ...entry,
    },
  };
}
