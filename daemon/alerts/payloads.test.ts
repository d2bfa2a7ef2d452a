import { readFileSync } from 'node:fs';
import {
  buildHealthPayload,
  buildHitPayload,
  buildReadPayload,
  buildStatusPayload,
  VERIFICATION_NOTICE,
} from './payloads.js';
import { HIT_SCHEMA_FILE, hitPayloadJsonSchema, hitPayloadSchema } from './hit-schema.js';
import { topicsFor } from './topics.js';

const hitInput = (): Parameters<typeof buildHitPayload>[0] => ({
  hitId: '7b0f1f8e-3c1d-4f5e-9a2b-1c2d3e4f5a6b',
  readId: 'r1',
  unitId: 'unit7',
  readAt: Date.UTC(2026, 10, 28, 14),
  createdAt: Date.UTC(2026, 10, 28, 14, 0, 1),
  camera: { id: 'front', name: 'Front' },
  location: { text: 'US-6 MP 262', lat: 39.7, lon: -105.6 },
  plate: 'ABC1234',
  state: null,
  stateConfirmed: false,
  confidence: 0.93456,
  matchKind: 'lenient',
  retrospective: false,
  entry: {
    plate: 'A8C1234',
    state: 'CO',
    category: 'amber_alert',
    reason: 'AMBER',
    source: 'CBI',
    nic: 'A1',
    case_number: null,
    expires: Date.UTC(2026, 11, 1),
    priority: 1,
    notes: '',
  },
  list: { source: 'cbi', version: 'cbi@x', ageS: 3600, stale: false },
  cropJpeg: new Uint8Array([0xff, 0xd8]),
});
const hit = () => buildHitPayload(hitInput());

describe('MQTT payloads', () => {
  it('builds a hit message that satisfies the published schema and carries the verification notice', () => {
    const p = hit();
    expect(hitPayloadSchema.parse(p)).toEqual(p);
    expect(p).toMatchObject({
      ts: '2026-11-28T14:00:00.000Z',
      confidence: 0.935,
      state_confirmed: false,
      verification: { notice: VERIFICATION_NOTICE },
    });
    expect(() => hitPayloadSchema.parse({ ...p, verification: { status: 'confirmed', notice: 'x' } })).toThrow();
  });

  it('keeps config/mqtt-hit.schema.json in step with the code (regenerate: npx tsx daemon/alerts/hit-schema.ts)', () => {
    expect(JSON.parse(readFileSync(HIT_SCHEMA_FILE, 'utf8'))).toEqual(hitPayloadJsonSchema());
  });

  it('builds status and health messages with snake_case keys', () => {
    const s = buildStatusPayload('unit7', 'online', 0, [
      { source: 'cbi', version: 'v', entries: 3, age_s: 90_000, stale: true },
    ]);
    expect(s).toMatchObject({ type: 'status', state: 'online', hotlists_stale: true });
    const h = buildHealthPayload({
      unitId: 'unit7',
      now: 0,
      uptimeS: 12.4,
      cpuLoadPct: 41.26,
      cpuTempC: null,
      memTotalBytes: 8,
      memAvailableBytes: 4,
      diskPath: '/var/lib/alpr-edge',
      diskFreeBytes: 100,
      diskTotalBytes: 200,
      cameras: [{ id: 'front', fps: 4.96, dropped_frames: 3 }],
      outboxDepth: 2,
    });
    expect(h).toMatchObject({
      cpu: { load_pct: 41.3, temp_c: null },
      cameras: [{ id: 'front', fps: 5, dropped_frames: 3 }],
      outbox_depth: 2,
      uptime_s: 12,
    });
  });

  it('puts every topic under <prefix>/<unit>/ and refuses MQTT wildcards in them', () => {
    expect(topicsFor('ccso/alpr', 'unit7')).toEqual({
      hits: 'ccso/alpr/unit7/hits',
      status: 'ccso/alpr/unit7/status',
      health: 'ccso/alpr/unit7/health',
      audit: 'ccso/alpr/unit7/audit',
      reads: 'ccso/alpr/unit7/reads',
    });
    expect(() => topicsFor('alpr/#', 'u')).toThrow(/wildcards/);
  });

  it('names the camera by id and name only, never its stream URL (which may carry a password)', () => {
    const camera = { id: 'front', name: 'Front', url: 'rtsp://alpr:s3cret@192.0.2.10/stream', fps: 5 };
    const p = buildHitPayload({ ...hitInput(), camera });
    expect(p.camera).toEqual({ id: 'front', name: 'Front' });
    expect(JSON.stringify(p)).not.toContain('s3cret');
  });

  it('tells dispatch where a patrol car read the plate, and says so when the GPS had no fix', () => {
    const gps = {
      lat: 39.7391234,
      lon: -105.5401234,
      accuracyM: 4.2,
      speedMps: 21.3,
      headingDeg: 251.5,
      fixMode: '3d' as const,
      fixAgeS: 0.3,
      source: 'gps' as const,
    };
    const located = buildHitPayload({
      ...hitInput(),
      location: { text: 'Car 7', lat: gps.lat, lon: gps.lon },
      position: gps,
      positionStatus: 'ok',
    });
    expect(hitPayloadSchema.parse(located)).toEqual(located);
    expect(located).toMatchObject({
      position: {
        lat: 39.7391234,
        accuracy_m: 4.2,
        speed_mps: 21.3,
        heading_deg: 251.5,
        fix_mode: '3d',
        source: 'gps',
      },
      position_status: 'ok',
    });
    const lost = buildHitPayload({
      ...hitInput(),
      location: { text: 'Car 7', lat: null, lon: null },
      position: null,
      positionStatus: 'no_fix',
    });
    expect(hitPayloadSchema.parse(lost)).toMatchObject({ position: null, position_status: 'no_fix' });
    // A fixed camera's hit is located by the camera.
    expect(hit()).toMatchObject({ position: { lat: 39.7, lon: -105.6, source: 'camera', fix_mode: null } });
    const read = buildReadPayload({
      readId: 'r1',
      unitId: 'car7',
      readAt: 0,
      camera: { id: 'front', name: 'Front' },
      location: { text: 'Car 7', lat: null, lon: null },
      position: null,
      positionStatus: 'stale',
      plate: 'ABC1234',
      state: null,
      confidence: 0.9,
    });
    expect(read).toMatchObject({ position: null, position_status: 'stale' });
  });
});
