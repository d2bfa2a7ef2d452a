/**
 * The ffmpeg command line for one camera: decode whatever the URL gives, drop to the analysis
 * rate, scale to the decode size and write packed rgb24 frames to stdout. Pure, so the exact
 * flags are unit-tested without running ffmpeg.
 */
import { fileURLToPath } from 'node:url';
import type { CameraConfig } from '../config/camera-schema.js';

export type SourceKind = 'rtsp' | 'http' | 'file';

export interface InputSpec {
  kind: SourceKind;
  /** What ffmpeg gets after `-i`: a URL, or a plain path for files. */
  input: string;
}

export function classifyUrl(url: string): InputSpec {
  if (url.startsWith('/')) return { kind: 'file', input: url };
  if (url.startsWith('file:')) return { kind: 'file', input: fileURLToPath(url) };
  const protocol = new URL(url).protocol;
  if (protocol === 'rtsp:' || protocol === 'rtsps:') return { kind: 'rtsp', input: url };
  if (protocol === 'http:' || protocol === 'https:') return { kind: 'http', input: url };
  throw new Error(`unsupported camera URL scheme ${protocol}`);
}

type ArgsCamera = Pick<CameraConfig, 'url' | 'fps' | 'width' | 'height' | 'loop' | 'realtime'>;

export function frameBytes(camera: Pick<CameraConfig, 'width' | 'height'>): number {
  return camera.width * camera.height * 3;
}

export function buildFfmpegArgs(camera: ArgsCamera): string[] {
  const { kind, input } = classifyUrl(camera.url);
  const inputOpts: string[] = [];
  if (kind === 'rtsp') {
    // TCP: UDP loses packets on busy links and smears plates; TCP costs a little latency only.
    inputOpts.push('-rtsp_transport', 'tcp');
    // ffmpeg's default probing buffers ~2 s of a live stream, then decodes it in a burst; the SDP
    // already names the codec, so half a second of probing is plenty and keeps frame times honest.
    inputOpts.push('-analyzeduration', '500000', '-probesize', '500000');
  } else if (kind === 'file') {
    if (camera.realtime) inputOpts.push('-re');
    if (camera.loop) inputOpts.push('-stream_loop', '-1');
  }
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
    // fps first, so frames ffmpeg will drop are never scaled
    '-vf',
    `fps=${camera.fps},scale=${camera.width}:${camera.height}`,
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}
