import { cameraSchema } from '../config/camera-schema.js';
import { buildRelayArgs } from './relay-args.js';

const camera = (url: string, over: Record<string, unknown> = {}) =>
  cameraSchema.parse({ id: 'front', name: 'Front', url, ...over });

describe('live relay ffmpeg arguments', () => {
  it('pulls an RTSP camera over TCP and writes MPEG-1 video in MPEG-TS at the decode size to stdout', () => {
    const args = buildRelayArgs(camera('rtsp://cam.local/stream', { width: 1280, height: 720 })).join(' ');
    expect(args).toContain('-rtsp_transport tcp');
    expect(args).toContain('-i rtsp://cam.local/stream -an');
    expect(args).toContain('-vf scale=1280:720 -r 25 -codec:v mpeg1video');
    expect(args).toMatch(/-f mpegts pipe:1$/);
    expect(args).not.toContain('-re');
  });

  it('plays a file camera at its own speed, looped when the camera loops', () => {
    expect(buildRelayArgs(camera('/srv/clip.mp4', { loop: true })).join(' ')).toContain(
      '-re -stream_loop -1 -i /srv/clip.mp4',
    );
    expect(buildRelayArgs(camera('file:///srv/clip.mp4')).join(' ')).toContain('-re -i /srv/clip.mp4');
  });
});
