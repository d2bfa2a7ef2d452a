import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFfmpegPath } from './ffmpeg-path.js';

describe('resolveFfmpegPath', () => {
  test('an explicit override wins', () => {
    expect(resolveFfmpegPath({ override: '/opt/ff/ffmpeg' })).toBe('/opt/ff/ffmpeg');
  });

  test('prefers /usr/bin/ffmpeg, then PATH, then the npm fallback', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ffpath-'));
    try {
      const fake = join(dir, 'ffmpeg');
      writeFileSync(fake, '#!/bin/sh\n');
      chmodSync(fake, 0o755);
      const got = resolveFfmpegPath({ path: dir });
      // On Debian with ffmpeg installed the system binary wins; elsewhere the PATH one does.
      expect(['/usr/bin/ffmpeg', fake]).toContain(got);
      const none = resolveFfmpegPath({ path: join(dir, 'nothing-here') });
      expect(none === '/usr/bin/ffmpeg' || none.includes('@ffmpeg-installer')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
