import type { HitPayload } from '../alerts/payloads.js';
import type { Db } from './database.js';
import { HitStore } from './hits.js';
import { migrations } from './migrations/index.js';
import { dispatchMigration } from './migrations/040-dispatch.js';

/** The console's schema: the unit's (hits, users, audit log, page records) and its own tables. */
export const dispatchMigrations = [...migrations, dispatchMigration];

/** A unit as the console last heard it. */
export interface DispatchUnitRow {
  id: string;
  state: 'online' | 'offline' | 'unknown';
  since: number | null;
  lastSeen: number;
  status: Record<string, unknown> | null;
  health: Record<string, unknown> | null;
  /** Where the unit last read a plate that hit, if it had a position. */
  position: { lat: number; lon: number } | null;
}

interface UnitSqlRow {
  id: string;
  state: DispatchUnitRow['state'];
  since: number | null;
  last_seen: number;
  status_json: string | null;
  health_json: string | null;
  lat: number | null;
  lon: number | null;
}

const parse = (s: string | null): Record<string, unknown> | null => {
  if (s === null) return null;
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return null;
  }
};

/**
 * What the dispatch console stores from the broker: each received hit as a read (with its crop)
 * and a hit in the unit's own tables, so the page's audited access path reads them as a unit's
 * page does, plus the read's origin and each unit's state.
 */
export class DispatchStore {
  private readonly hits: HitStore;
  private readonly hasHit;
  private readonly insertRead;
  private readonly insertCrop;
  private readonly insertOrigin;
  private readonly upsertSeen;
  private readonly upsertStatus;
  private readonly upsertHealth;
  private readonly allUnits;
  private readonly originStmt;

  /** @param db the console's database, opened with dispatchMigrations. */
  constructor(private readonly db: Db) {
    this.hits = new HitStore(db);
    this.hasHit = db.prepare('SELECT 1 FROM hits WHERE id = ?');
    this.insertRead = db.prepare(`INSERT OR IGNORE INTO reads
      (id, camera_id, plate, state, confidence, first_seen, last_seen, frames,
       box_x, box_y, box_w, box_h, frame_w, frame_h, location_text, lat, lon, created_at,
       best_seen, accuracy_m, speed_mps, heading_deg, fix_mode, fix_age_s, position_status, position_source)
      VALUES (@id, @camera_id, @plate, @state, @confidence, @ts, @ts, 1, 0, 0, 0, 0, 0, 0, @location_text,
       @lat, @lon, @now, @ts, @accuracy_m, @speed_mps, @heading_deg, @fix_mode, @fix_age_s, @position_status,
       @position_source)`);
    this.insertCrop = db.prepare('INSERT OR IGNORE INTO read_crops (read_id, jpeg) VALUES (?, ?)');
    this.insertOrigin = db.prepare(
      'INSERT OR IGNORE INTO dispatch_read_origins (read_id, unit_id, camera_name) VALUES (?, ?, ?)',
    );
    this.upsertSeen = db.prepare(`INSERT INTO dispatch_units (id, last_seen) VALUES (?, ?)
      ON CONFLICT (id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)`);
    this.upsertStatus = db.prepare(`INSERT INTO dispatch_units (id, state, since, last_seen, status_json)
      VALUES (@id, @state, @now, @now, @json)
      ON CONFLICT (id) DO UPDATE SET
        since = CASE WHEN state = excluded.state THEN since ELSE excluded.since END,
        state = excluded.state, last_seen = excluded.last_seen, status_json = excluded.status_json`);
    this.upsertHealth = db.prepare(`INSERT INTO dispatch_units (id, last_seen, health_json) VALUES (?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, health_json = excluded.health_json`);
    this.allUnits = db.prepare(`SELECT u.*,
        (SELECT r.lat FROM dispatch_read_origins o JOIN reads r ON r.id = o.read_id
          WHERE o.unit_id = u.id AND r.lat IS NOT NULL ORDER BY r.last_seen DESC LIMIT 1) AS lat,
        (SELECT r.lon FROM dispatch_read_origins o JOIN reads r ON r.id = o.read_id
          WHERE o.unit_id = u.id AND r.lat IS NOT NULL ORDER BY r.last_seen DESC LIMIT 1) AS lon
      FROM dispatch_units u ORDER BY u.id`);
    this.originStmt = db.prepare('SELECT unit_id, camera_name FROM dispatch_read_origins WHERE read_id = ?');
  }

  /**
   * Stores a received hit once (delivery is at least once: a hit id already here is skipped).
   * A hit read before `keepAfter` (past the retention window, e.g. queued for weeks) is not
   * stored at all (policy 424.4). Returns false when nothing was stored.
   */
  storeHit(unitId: string, h: HitPayload, now: number, keepAfter = 0): boolean {
    return this.db.transaction(() => {
      this.upsertSeen.run(unitId, now);
      const ts = Date.parse(h.ts);
      if (this.hasHit.get(h.id) || ts < keepAfter) return false;
      const p = h.position;
      this.insertRead.run({
        id: h.read_id,
        camera_id: h.camera.id,
        plate: h.plate,
        state: h.state,
        confidence: h.confidence,
        ts,
        now,
        location_text: h.location.text,
        lat: p?.lat ?? null,
        lon: p?.lon ?? null,
        accuracy_m: p?.accuracy_m ?? null,
        speed_mps: p?.speed_mps ?? null,
        heading_deg: p?.heading_deg ?? null,
        fix_mode: p?.fix_mode ?? null,
        fix_age_s: p?.fix_age_s ?? null,
        position_status: h.position_status,
        position_source: p?.source ?? null,
      });
      if (h.crop_jpeg_base64) this.insertCrop.run(h.read_id, Buffer.from(h.crop_jpeg_base64, 'base64'));
      this.insertOrigin.run(h.read_id, unitId, h.camera.name);
      this.hits.insert({
        id: h.id,
        readId: h.read_id,
        createdAt: Date.parse(h.created_at),
        cameraId: h.camera.id,
        plate: h.plate,
        state: h.state,
        category: h.category,
        reason: h.reason,
        // The snapshot the page's mapping reads (bureau details only for the CBI-authorized).
        entryJson: JSON.stringify({
          plate: h.entry.plate,
          state: h.entry.state,
          category: h.category,
          reason: h.reason,
          source: h.source,
          nic: h.nic,
          notes: h.entry.notes,
          caseNumber: h.entry.case_number,
          priority: h.entry.priority,
          list_source: h.list.source,
        }),
        matchKind: h.match_kind,
        stateConfirmed: h.state_confirmed,
        retrospective: h.retrospective,
        listVersion: h.list.version,
        listAgeS: h.list.age_s,
        lastSeenAt: ts,
      });
      return true;
    })();
  }

  /** A unit's retained status (or its last will): online/offline since the first message saying so. */
  recordStatus(unitId: string, state: 'online' | 'offline', status: Record<string, unknown>, now: number): void {
    this.upsertStatus.run({ id: unitId, state, now, json: JSON.stringify(status) });
  }

  recordHealth(unitId: string, health: Record<string, unknown>, now: number): void {
    this.upsertHealth.run(unitId, now, JSON.stringify(health));
  }

  units(): DispatchUnitRow[] {
    return (this.allUnits.all() as UnitSqlRow[]).map((r) => ({
      id: r.id,
      state: r.state,
      since: r.since,
      lastSeen: r.last_seen,
      status: parse(r.status_json),
      health: parse(r.health_json),
      position: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    }));
  }

  /** The unit and camera name a received read came from. */
  originOf(readId: string): { unitId: string; cameraName: string } | undefined {
    const r = this.originStmt.get(readId) as { unit_id: string; camera_name: string } | undefined;
    return r && { unitId: r.unit_id, cameraName: r.camera_name };
  }
}
