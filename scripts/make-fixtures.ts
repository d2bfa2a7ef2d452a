/**
 * `npm run fixtures`: regenerates test-fixtures/ from code: plate stills (test-fixtures/plates/)
 * and the drive-by clip (test-fixtures/drive-by.mp4 + drive-by.json). The outputs are committed;
 * re-run after changing scripts/fixtures/ and commit the result.
 *
 *   npm run fixtures                 # everything
 *   npm run fixtures -- --only clip  # or: --only plates
 *   npm run fixtures -- --out DIR    # somewhere else (default: test-fixtures)
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveFfmpegPath } from '../daemon/camera/ffmpeg-path.js';
import { driveByManifest } from './fixtures/drive-by-manifest.js';
import { CLIP, frameCount, vehiclePlans } from './fixtures/drive-by-plan.js';
import { encodeH264 } from './fixtures/encode.js';
import { DriveByRenderer } from './fixtures/scene.js';
import { writeStills } from './fixtures/stills.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function makeClip(dir: string): Promise<void> {
  const plans = vehiclePlans();
  const frames = frameCount(plans);
  const renderer = new DriveByRenderer(plans);
  const out = join(dir, 'drive-by.mp4');
  const t0 = Date.now();
  await encodeH264({
    ffmpeg: resolveFfmpegPath(),
    out,
    width: CLIP.width,
    height: CLIP.height,
    fps: CLIP.fps,
    gop: CLIP.gop,
    frames,
    frame: (n) => renderer.frame(n),
    onProgress: (n) => {
      if (n % CLIP.fps === 0) process.stderr.write(`\rclip: frame ${n}/${frames}`);
    },
  });
  await writeFile(join(dir, 'drive-by.json'), `${JSON.stringify(driveByManifest(), null, 2)}\n`);
  const { size } = await stat(out);
  process.stderr.write(
    `\rclip: ${frames} frames, ${(size / 1e6).toFixed(2)} MB, ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${out}\n`,
  );
}

async function main(): Promise<void> {
  const dir = arg('out') ?? 'test-fixtures';
  const only = arg('only');
  await mkdir(dir, { recursive: true });
  if (!only || only === 'plates') {
    const stills = await writeStills(join(dir, 'plates'));
    process.stderr.write(`plates: ${stills.length} stills -> ${join(dir, 'plates')}\n`);
  }
  if (!only || only === 'clip') await makeClip(dir);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  main().catch((err: unknown) => {
    process.stderr.write(`make-fixtures: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
