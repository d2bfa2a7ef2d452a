import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../daemon/store/database.js';
import { hashPassword } from '../../daemon/access/passwords.js';
import { UserStore, isoDay } from '../../daemon/access/users.js';
import type { Role } from '../../daemon/access/roles.js';
import type { AuthenticatedUser } from '../../daemon/access/authorize.js';
import type { CliIo } from '../../daemon/cli/command.js';
import { ReadStore } from '../../daemon/store/reads.js';

export const DAY = 86_400_000;
/** 2026-11-28T12:00:00Z */
export const NOW = Date.UTC(2026, 10, 28, 12);
export const PASSWORD = 'correct horse battery';

/** A temp database with the full schema; close() removes it. */
export function tempDb(): { db: Db; dir: string; file: string; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-gov-'));
  const file = join(dir, 'edge.db');
  const db = openDatabase(file);
  return {
    db,
    dir,
    file,
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Cheap scrypt parameters so tests stay fast; verifyPassword reads them from the stored hash.
let cheapHash: Promise<string> | undefined;
/** One scrypt hash at test strength, computed once for every fixture user. */
function cheapPasswordHash(): Promise<string> {
  cheapHash ??= hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
  return cheapHash;
}

/** Adds a user (password PASSWORD) with training current unless `trained: false` or an explicit expiry. */
export async function addUser(
  db: Db,
  username: string,
  role: Role,
  opts: { trained?: boolean; expiresOn?: string } = {},
): Promise<AuthenticatedUser> {
  const users = new UserStore(db);
  const u = users.create(
    {
      username,
      fullName: `${username[0]!.toUpperCase()}${username.slice(1)} Tester`,
      employeeNumber: `E-${username}`,
      role,
      passwordHash: await cheapPasswordHash(),
      createdBy: 'test',
    },
    NOW - 100 * DAY,
  );
  let expiresOn: string | null = null;
  if (opts.trained !== false || opts.expiresOn) {
    expiresOn = opts.expiresOn ?? isoDay(NOW + 300 * DAY);
    users.addTraining(
      { userId: u.id, course: 'ALPR 101', completedOn: isoDay(NOW - 400 * DAY), expiresOn, recordedBy: 'test' },
      NOW - 99 * DAY,
    );
  }
  return { id: u.id, username: u.username, fullName: u.fullName, role, trainingExpiresOn: expiresOn };
}

/** A CliIo that records output and answers password prompts from a list. */
export function fakeIo(secrets: string[] = []): CliIo & { lines: string[]; errors: string[]; prompts: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const prompts: string[] = [];
  return {
    lines,
    errors,
    prompts,
    isTty: false,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    promptSecret: async (q) => {
      prompts.push(q);
      const s = secrets.shift();
      if (s === undefined) throw new Error('no input for the password prompt');
      return s;
    },
  };
}

let counter = 0;
/** Stores a read (with a 4-byte crop) and returns its id. */
export function addRead(
  db: Db,
  r: { plate: string; at: number; camera?: string; lat?: number; lon?: number; id?: string },
): string {
  const id = r.id ?? `read-${++counter}-${r.plate}`;
  new ReadStore(db).insert(
    {
      id,
      cameraId: r.camera ?? 'front',
      text: r.plate,
      confidence: 0.93,
      alternatives: [],
      state: 'CO',
      firstSeen: r.at - 500,
      lastSeen: r.at,
      frames: 3,
      cropJpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
      box: { x: 1, y: 2, w: 3, h: 4 },
      frameWidth: 1280,
      frameHeight: 720,
    },
    { text: 'US-6 MM 250', lat: r.lat ?? 39.74, lon: r.lon ?? -105.51 },
    r.at,
  );
  return id;
}

/** Stores a hit on a read, as the hotlist room does. */
export function addHit(db: Db, readId: string, id = `hit-${readId}`): string {
  const read = db.prepare('SELECT plate, camera_id, last_seen FROM reads WHERE id = ?').get(readId) as {
    plate: string;
    camera_id: string;
    last_seen: number;
  };
  db.prepare(`INSERT INTO hits (id, read_id, created_at, camera_id, plate, state, category, reason, entry_json, match_kind)
    VALUES (?, ?, ?, ?, ?, 'CO', 'stolen_vehicle', 'NCIC stolen', '{}', 'exact')`).run(
    id,
    readId,
    read.last_seen,
    read.camera_id,
    read.plate,
  );
  return id;
}
