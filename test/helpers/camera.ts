/** Shared bits for camera integration tests: a complete camera config and waiting on a condition. */
import type { FfmpegCamera } from '../../daemon/camera/ffmpeg-frame-source.js';

export function testCamera(over: Partial<FfmpegCamera> & Pick<FfmpegCamera, 'id' | 'url'>): FfmpegCamera {
  return {
    fps: 5,
    width: 320,
    height: 180,
    loop: false,
    realtime: false,
    stall_timeout_s: 5,
    backoff_initial_s: 0.2,
    backoff_max_s: 1,
    ...over,
  };
}

/** Polls `cond` every 50 ms; throws with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
