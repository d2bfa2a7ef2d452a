import type { Db } from './database.js';

export type HitStatus = 'unverified' | 'confirmed' | 'rejected';

/** A hit as written by the hit recorder (table `hits`, migration 010). */
export interface NewHit {
  id: string;
  readId: string;
  createdAt: number;
  cameraId: string;
  plate: string;
  state: string | null;
  category: string;
  reason: string;
  /** JSON snapshot of the matched entry, so the hit still explains itself after the list changes. */
  entryJson: string;
  matchKind: string;
  stateConfirmed: boolean;
  retrospective: boolean;
  listVersion: string;
  listAgeS: number | null;
  /** The plate's last sighting; by default its read's (migration 014). */
  lastSeenAt?: number;
}

export interface StoredHit extends NewHit {
  lastSeenAt: number;
  /** Later reads of the same plate matching the same entry at the same camera, folded into this hit. */
  repeats: number;
  status: HitStatus;
  verifiedBy: string | null;
  verifiedAt: number | null;
}

/** A row of `hits` as SELECT * returns it. */
export interface HitRow {
  id: string;
  read_id: string;
  created_at: number;
  camera_id: string;
  plate: string;
  state: string | null;
  category: string;
  reason: string;
  entry_json: string;
  match_kind: string;
  state_confirmed: number;
  retrospective: number;
  list_version: string;
  list_age_s: number | null;
  last_seen_at: number | null;
  repeats: number;
  status: HitStatus;
  verified_by: string | null;
  verified_at: number | null;
  verification_ref: string | null;
  verification_note: string | null;
}

/** Inserts and reads hits. Verification (confirm/reject) belongs to the audited access path. */
export class HitStore {
  private readonly insertStmt;
  private readonly byId;
  private readonly byRead;
  private readonly repeatStmt;
  private readonly touchStmt;
  private readonly entriesForRead;

  /** @param db an open database (see openDatabase). */
  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO hits
      (id, read_id, created_at, camera_id, plate, state, category, reason, entry_json, match_kind,
       state_confirmed, retrospective, list_version, list_age_s, last_seen_at, status)
      VALUES (@id, @read_id, @created_at, @camera_id, @plate, @state, @category, @reason, @entry_json, @match_kind,
       @state_confirmed, @retrospective, @list_version, @list_age_s,
       COALESCE(@last_seen_at, (SELECT last_seen FROM reads WHERE id = @read_id), @created_at), 'unverified')`);
    // Retrospective hits are about old reads: they never absorb a live one.
    this.repeatStmt = db.prepare(`SELECT id FROM hits
      WHERE plate = ? AND camera_id = ? AND last_seen_at >= ? AND retrospective = 0
        AND json_extract(entry_json, '$.identity') = ?
      ORDER BY last_seen_at DESC LIMIT 1`);
    this.touchStmt = db.prepare(
      'UPDATE hits SET last_seen_at = max(last_seen_at, ?), repeats = repeats + 1 WHERE id = ?',
    );
    this.byId = db.prepare('SELECT * FROM hits WHERE id = ?');
    this.byRead = db.prepare('SELECT * FROM hits WHERE read_id = ? ORDER BY created_at');
    this.entriesForRead = db.prepare('SELECT entry_json FROM hits WHERE read_id = ?');
  }

  /** Every hit starts `unverified` (policy 424.3(f)). Call inside the transaction that also writes the outbox row. */
  insert(h: NewHit): void {
    this.insertStmt.run({
      id: h.id,
      read_id: h.readId,
      created_at: h.createdAt,
      camera_id: h.cameraId,
      plate: h.plate,
      state: h.state,
      category: h.category,
      reason: h.reason,
      entry_json: h.entryJson,
      match_kind: h.matchKind,
      state_confirmed: h.stateConfirmed ? 1 : 0,
      retrospective: h.retrospective ? 1 : 0,
      list_version: h.listVersion,
      list_age_s: h.listAgeS,
      last_seen_at: h.lastSeenAt ?? null,
    });
  }

  /**
   * The live hit of `plate` on entry `identity` at `cameraId` last seen at `since` or later, if
   * any: a new read of it is a repeat of that hit, not a new one.
   */
  findRepeat(plate: string, cameraId: string, identity: string, since: number): string | undefined {
    return (this.repeatStmt.get(plate, cameraId, since, identity) as { id: string } | undefined)?.id;
  }

  /** Folds a repeat into hit `id`: its plate was seen again at `at`. */
  touch(id: string, at: number): void {
    this.touchStmt.run(at, id);
  }

  /** The entry snapshots (`entryJson`) of every hit a read raised, in no particular order. */
  entryJsonForRead(readId: string): string[] {
    return (this.entriesForRead.all(readId) as { entry_json: string }[]).map((r) => r.entry_json);
  }

  get(id: string): StoredHit | undefined {
    const r = this.byId.get(id) as HitRow | undefined;
    return r && toHit(r);
  }

  forRead(readId: string): StoredHit[] {
    return (this.byRead.all(readId) as HitRow[]).map(toHit);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM hits').get() as { n: number }).n;
  }
}

export function toHit(r: HitRow): StoredHit {
  return {
    id: r.id,
    readId: r.read_id,
    createdAt: r.created_at,
    cameraId: r.camera_id,
    plate: r.plate,
    state: r.state,
    category: r.category,
    reason: r.reason,
    entryJson: r.entry_json,
    matchKind: r.match_kind,
    stateConfirmed: r.state_confirmed === 1,
    retrospective: r.retrospective === 1,
    listVersion: r.list_version,
    listAgeS: r.list_age_s,
    lastSeenAt: r.last_seen_at ?? r.created_at,
    repeats: r.repeats,
    status: r.status,
    verifiedBy: r.verified_by,
    verifiedAt: r.verified_at,
  };
}
