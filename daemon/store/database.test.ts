import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announceSkip } from '../../test/helpers/skip.js';
import { DatabaseMissingError, isStorageError, openDatabase, migrate } from './database.js';
import { HitStore } from './hits.js';
import { migrations } from './migrations/index.js';
import { ReadStore } from './reads.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
if (!asRoot)
  announceSkip('opening a database that belongs to root', 'needs root, to run the opener as another account');

describe('database', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'alpr-db-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the schema once and keeps a read with its crop across reopen', () => {
    const file = join(dir, 'edge.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    new ReadStore(db).insert(
      {
        id: 'r1',
        cameraId: 'front',
        text: 'ABC1234',
        confidence: 0.9,
        alternatives: [{ text: 'ABC1Z34', confidence: 0.1 }],
        state: 'CO',
        firstSeen: 1000,
        lastSeen: 2000,
        frames: 4,
        cropJpeg: new Uint8Array([0xff, 0xd8, 1, 2]),
        box: { x: 10, y: 20, w: 100, h: 30 },
        frameWidth: 1280,
        frameHeight: 720,
      },
      { text: 'US-6', lat: 39.7, lon: -105.5 },
      3000,
    );
    db.close();
    const again = openDatabase(file);
    const store = new ReadStore(again);
    expect(store.get('r1')).toMatchObject({
      plate: 'ABC1234',
      state: 'CO',
      frames: 4,
      locationText: 'US-6',
      lat: 39.7,
    });
    expect([...store.crop('r1')!]).toEqual([0xff, 0xd8, 1, 2]);
    expect(migrate(again, [])).toEqual([]);
    again.close();
  });

  it('refuses two migrations with one id', () => {
    const db = openDatabase(':memory:', { migrations: [] });
    const m = { id: 5, name: 'x', up: () => {} };
    expect(() => migrate(db, [m, { ...m, name: 'y' }])).toThrow(/share id 5/);
  });

  it("gives the hits of a unit upgraded in place their read's last sighting", () => {
    const file = join(dir, 'edge.db');
    const before = openDatabase(file, { migrations: migrations.filter((m) => m.id < 14) });
    new ReadStore(before).insert(
      {
        id: 'r1',
        cameraId: 'front',
        text: 'ABC1234',
        confidence: 0.9,
        alternatives: [],
        state: 'CO',
        firstSeen: 1000,
        lastSeen: 2000,
        frames: 4,
        cropJpeg: new Uint8Array([0xff, 0xd8]),
        box: { x: 10, y: 20, w: 100, h: 30 },
        frameWidth: 1280,
        frameHeight: 720,
      },
      { text: 'US-6' },
      3000,
    );
    before
      .prepare(`INSERT INTO hits (id, read_id, created_at, camera_id, plate, category, entry_json, match_kind)
        VALUES ('h1', 'r1', 3000, 'front', 'ABC1234', 'stolen_vehicle', '{}', 'exact')`)
      .run();
    before.close();
    const after = openDatabase(file);
    expect(new HitStore(after).get('h1')).toMatchObject({ lastSeenAt: 2000, repeats: 0, status: 'unverified' });
    after.close();
  });

  it('tells a full or failing disk from a fault in the data, by the SQLite code', () => {
    const db = openDatabase(join(dir, 'edge.db'));
    let constraint: unknown;
    try {
      db.prepare("INSERT INTO reads (id) VALUES ('x')").run();
    } catch (err) {
      constraint = err;
    }
    db.close();
    expect(isStorageError(constraint)).toBe(false);
    // A native error whose class is another copy of the module's (instanceof fails there) still counts.
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_READONLY', 'SQLITE_BUSY'])
      expect(isStorageError(Object.assign(Object.create(null), { name: 'SqliteError', code }))).toBe(true);
    expect(isStorageError(new Error('database or disk is full'))).toBe(false);
  });

  const modeOf = (f: string): string => (statSync(f).mode & 0o777).toString(8);

  it('creates its folder 0700 and the database, -wal and -shm files 0600 whatever the umask', () => {
    const file = join(dir, 'state', 'alpr-edge.db');
    const umask = process.umask(0o022);
    try {
      const db = openDatabase(file);
      db.prepare('CREATE TABLE t (x)').run();
      expect(modeOf(join(dir, 'state'))).toBe('700');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, modeOf(f)]).toEqual([f, '600']);
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
      db.close();
    } finally {
      process.umask(umask);
    }
    expect(process.umask()).toBe(umask);
  });

  it('tightens a database file left readable by others, and says so; reports an open folder', () => {
    const file = join(dir, 'edge.db');
    openDatabase(file).close();
    chmodSync(file, 0o644);
    const warnings: unknown[] = [];
    const log = { warn: (...args: unknown[]) => warnings.push(args) };
    const db = openDatabase(file, { log });
    db.prepare('CREATE TABLE t (x)').run();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, modeOf(f)]).toEqual([f, '600']);
    db.close();
    expect(JSON.stringify(warnings)).toMatch(/"mode":"644".*mode tightened/);
    expect(warnings).toHaveLength(1);
    chmodSync(dir, 0o755);
    openDatabase(file, { log }).close();
    expect(modeOf(dir)).toBe('755');
    expect(JSON.stringify(warnings[1])).toMatch(/"mode":"755".*folder is open to other accounts/);
  });

  it('refuses to create the file when told only the daemon may, and names the missing path', () => {
    const file = join(dir, 'nowhere', 'alpr-edge.db');
    expect(() => openDatabase(file, { create: false })).toThrow(DatabaseMissingError);
    expect(() => openDatabase(file, { create: false })).toThrow(
      `no database at ${file}; the daemon creates it on first start`,
    );
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    openDatabase(file).close();
    openDatabase(file, { create: false }).close();
  });

  (asRoot ? it : it.skip)('names the owner and the fix when the database belongs to another account', () => {
    // A database created by a command run as root before the daemon's first start, in the
    // daemon's folder: SQLite alone says only "unable to open database file".
    chownSync(dir, NOBODY, NOBODY);
    const file = join(dir, 'alpr-edge.db');
    openDatabase(file).close();
    const opener = `import('./daemon/store/database.ts').then((m) => m.openDatabase(${JSON.stringify(file)}))`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', opener], {
      cwd: join(import.meta.dirname, '..', '..'),
      uid: NOBODY,
      gid: NOBODY,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `DatabaseAccessError: cannot open the database: ${file} belongs to uid 0 (mode 600) and this account (uid ${NOBODY}) may not read and write it; the database and its folder belong to the daemon's account (chown -R alpr-edge:alpr-edge ${dir})`,
    );
  });
});
