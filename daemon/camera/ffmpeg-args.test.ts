import { buildFfmpegArgs, classifyUrl, frameBytes } from './ffmpeg-args.js';

const cam = { fps: 5, width: 1280, height: 720, loop: false, realtime: true };

describe('buildFfmpegArgs', () => {
  test('uses TCP for RTSP and writes rgb24 at the analysis rate and decode size to stdout', () => {
    const a = buildFfmpegArgs({ ...cam, url: 'rtsp://10.0.0.5:554/stream1' });
    expect(a.join(' ')).toContain('-rtsp_transport tcp');
    expect(a.join(' ')).toContain('-i rtsp://10.0.0.5:554/stream1');
    expect(a.join(' ')).toContain('-vf fps=5,scale=1280:720 -pix_fmt rgb24 -f rawvideo pipe:1');
    expect(a).not.toContain('-re');
  });

  test('paces and loops file sources only when asked', () => {
    expect(buildFfmpegArgs({ ...cam, url: '/srv/clip.mp4', loop: true, realtime: true }).join(' ')).toContain(
      '-re -stream_loop -1 -i /srv/clip.mp4',
    );
    const fast = buildFfmpegArgs({ ...cam, url: 'file:///srv/clip.mp4', realtime: false });
    expect(fast).not.toContain('-re');
    expect(fast).not.toContain('-stream_loop');
    expect(fast.join(' ')).toContain('-i /srv/clip.mp4');
  });

  test('passes http(s) URLs through without RTSP options', () => {
    const a = buildFfmpegArgs({ ...cam, url: 'https://cam.local/video.mjpg' });
    expect(a).not.toContain('-rtsp_transport');
    expect(a.join(' ')).toContain('-i https://cam.local/video.mjpg');
  });

  test('classifyUrl refuses a scheme ffmpeg should not be pointed at', () => {
    expect(() => classifyUrl('ftp://x/y')).toThrow(/unsupported/);
    expect(classifyUrl('rtsps://h/x').kind).toBe('rtsp');
  });

  test('a frame is width*height*3 bytes', () => {
    expect(frameBytes({ width: 1280, height: 720 })).toBe(2_764_800);
  });
});
