/**
 * The live-view relay's ffmpeg command line: the camera's stream re-encoded as MPEG-1 video in
 * MPEG-TS on stdout, the format JSMpeg decodes in the page. Pure, so the flags are tested without
 * running ffmpeg.
 */
import { classifyUrl } from '../camera/ffmpeg-args.js';
import type { CameraConfig } from '../config/camera-schema.js';

/**
 * MPEG-1 allows only the standard frame rates (23.976 … 60), so a 12 fps camera is sent at 25:
 * ffmpeg repeats frames, which costs little (a repeated frame is almost all skipped blocks).
 */
export const RELAY_FPS = 25;
/** Enough for a sharp 1280×720 picture of a mostly still scene; JSMpeg's default buffer holds 512 KiB. */
export const RELAY_BITRATE = '1500k';

export function buildRelayArgs(camera: Pick<CameraConfig, 'url' | 'width' | 'height' | 'loop'>): string[] {
  const { kind, input } = classifyUrl(camera.url);
  const inputOpts: string[] = [];
  if (kind === 'rtsp') inputOpts.push('-rtsp_transport', 'tcp', '-analyzeduration', '500000', '-probesize', '500000');
  // A file "camera" (demo, tests) plays at its own speed, like a live stream.
  if (kind === 'file') inputOpts.push('-re', ...(camera.loop ? ['-stream_loop', '-1'] : []));
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'warning',
    ...inputOpts,
    '-i',
    input,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `scale=${camera.width}:${camera.height}`,
    '-r',
    String(RELAY_FPS),
    '-codec:v',
    'mpeg1video',
    '-b:v',
    RELAY_BITRATE,
    // Two B-frames would add two frames of delay; a viewer aiming a camera wants it now.
    '-bf',
    '0',
    '-f',
    'mpegts',
    'pipe:1',
  ];
}
