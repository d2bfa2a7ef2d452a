import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonProcess, ROOT, waitUntil } from '../helpers/daemon.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'fake-analyzer-daemon.ts');
const modeOf = (f: string): string => (statSync(f).mode & 0o777).toString(8);

describe('the database of a running daemon (real daemon process)', () => {
  let daemon: DaemonProcess | undefined;
  afterAll(() => daemon?.cleanup());

  it('is created in a 0700 folder, with the database, -wal and -shm files 0600, under a umask of 022', async () => {
    const umask = process.umask(0o022);
    try {
      daemon = DaemonProcess.start(
        `
unit: { id: modes1 }
storage: { path: $STATE/state }
pipeline: { motion_threshold: 0 }
cameras:
  - id: road
    name: Road
    url: ${join(ROOT, 'test-fixtures', 'drive-by.mp4')}
    loop: true
    fps: 5
    location: { lat: 39.74, lon: -105.51 }
`,
        {},
        FIXTURE,
      );
    } finally {
      process.umask(umask);
    }
    const d = daemon;
    await waitUntil(() => /ANALYZED \d/.test(d.stderr), 60_000, `frames analysed (stderr: ${d.stderr.slice(-300)})`);
    const db = join(d.dir, 'state', 'alpr-edge.db');
    expect(modeOf(join(d.dir, 'state'))).toBe('700');
    for (const f of [db, `${db}-wal`, `${db}-shm`]) expect([f, modeOf(f)]).toEqual([f, '600']);
    expect(await d.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(d.logs.filter((l) => l.level === 'warn' && /open to other accounts/.test(l.msg))).toEqual([]);
  }, 90_000);
});
