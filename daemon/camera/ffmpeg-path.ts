/**
 * Which ffmpeg to run. The system one (Debian's, current and patched) wins; the static 4.x binary
 * shipped in @ffmpeg-installer/ffmpeg is only a fallback so the demo runs without root.
 */
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface FfmpegPathOptions {
  /** Explicit binary (config or ALPR_EDGE_FFMPEG); used as is when set. */
  override?: string;
  /** Search path; defaults to process.env.PATH. */
  path?: string;
}

/** Returns an absolute path to ffmpeg, or throws an Error explaining what was tried. */
export function resolveFfmpegPath(opts: FfmpegPathOptions = {}): string {
  const override = opts.override ?? process.env.ALPR_EDGE_FFMPEG;
  if (override) return override;
  const tried: string[] = [];
  const candidates = [
    '/usr/bin/ffmpeg',
    ...(opts.path ?? process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'ffmpeg')),
  ];
  for (const c of candidates) {
    tried.push(c);
    if (executable(c)) return c;
  }
  try {
    const require = createRequire(import.meta.url);
    const fallback = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    tried.push(fallback);
    if (executable(fallback)) return fallback;
  } catch {
    tried.push('@ffmpeg-installer/ffmpeg (not installed)');
  }
  throw new Error(`no ffmpeg found; tried ${tried.join(', ')}. Install Debian's ffmpeg or run npm install.`);
}

/** ffprobe beside the chosen ffmpeg, or on PATH. Tests and fixture checks use it; the daemon does not. */
export function resolveFfprobePath(): string {
  const ffmpeg = resolveFfmpegPath();
  const beside = ffmpeg.replace(/ffmpeg$/, 'ffprobe');
  if (beside !== ffmpeg && executable(beside)) return beside;
  return 'ffprobe';
}
