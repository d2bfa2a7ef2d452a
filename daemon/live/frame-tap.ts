/**
 * The newest frame each camera's pipeline decoded, for the live view's fallback where a stream
 * cannot be relayed: a JPEG at most once a second per camera, however many people watch. It keeps
 * only a reference to the frame the source already allocated (no copy) and encodes on demand.
 */
import sharp from 'sharp';
import type { Frame } from '../camera/frame-source.js';
import type { Clock } from '../shared/clock.js';

export const JPEG_INTERVAL_MS = 1000;

export class FrameTap {
  private readonly newest = new Map<string, Frame>();
  private readonly encoded = new Map<string, { at: number; frame: Frame; jpeg: Promise<Buffer> }>();

  /** @param clock stamps each encoding, so a second viewer in the same second gets the same JPEG. */
  constructor(private readonly clock: Clock) {}

  /** Wraps a pipeline's frame handler: the frame is noted, then handled as before. */
  tap(onFrame: (frame: Frame) => Promise<void>): (frame: Frame) => Promise<void> {
    return (frame) => {
      this.newest.set(frame.cameraId, frame);
      return onFrame(frame);
    };
  }

  /** The camera's newest frame as a JPEG (720 px high at most), re-encoded at most once a second; undefined before its first frame. */
  jpeg(cameraId: string): Promise<Buffer> | undefined {
    const frame = this.newest.get(cameraId);
    if (!frame) return undefined;
    const now = this.clock.now();
    const last = this.encoded.get(cameraId);
    if (last && (last.frame === frame || now - last.at < JPEG_INTERVAL_MS)) return last.jpeg;
    const jpeg = sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
      .resize({ height: Math.min(frame.height, 720), withoutEnlargement: true })
      .jpeg({ quality: 70 })
      .toBuffer();
    this.encoded.set(cameraId, { at: now, frame, jpeg });
    return jpeg;
  }
}
