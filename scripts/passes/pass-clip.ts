/**
 * A clip of passes: each labelled photo becomes `frames` planned frames (pass-plan.ts), with empty
 * frames before the first and between passes so that the tracker closes each pass's track, all
 * encoded as one H.264 file; and the decoder that plays such a file back frame by frame.
 */
import { spawn } from 'node:child_process';
import type { Box, RgbImage } from '../../daemon/vision/image.js';
import { encodeH264 } from '../fixtures/encode.js';
import { planPass, type Size } from './pass-plan.js';
import { FrameRenderer } from './render-frame.js';

export interface ClipPhoto {
  name: string;
  plate: string;
  box: Box;
  load(): Promise<RgbImage>;
}

export interface ClipOptions {
  ffmpeg: string;
  out: string;
  size: Size;
  fps: number;
  /** Frames per pass. */
  frames: number;
  /** Empty frames before the first pass and after each. */
  gap: number;
  seed: number;
  onProgress?: (pass: number) => void;
}

/** A pass's place in the clip: its frame numbers, first and last. */
export interface ClipPass {
  name: string;
  plate: string;
  fromFrame: number;
  toFrame: number;
}

/** The road with no car: one flat grey, so the motion gate rests between passes. */
const EMPTY_GREY = 96;

export async function writePassClip(photos: readonly ClipPhoto[], o: ClipOptions): Promise<ClipPass[]> {
  const passes: ClipPass[] = photos.map((p, i) => {
    const fromFrame = o.gap + i * (o.frames + o.gap);
    return { name: p.name, plate: p.plate, fromFrame, toFrame: fromFrame + o.frames - 1 };
  });
  const total = o.gap + photos.length * (o.frames + o.gap);
  const empty = Buffer.alloc(o.size.width * o.size.height * 3, EMPTY_GREY);
  const renderer = new FrameRenderer(o.size, o.seed);
  let current: { index: number; photo: RgbImage; plan: ReturnType<typeof planPass> } | null = null;
  await encodeH264({
    ffmpeg: o.ffmpeg,
    out: o.out,
    width: o.size.width,
    height: o.size.height,
    fps: o.fps,
    gop: 2 * o.fps,
    frames: total,
    // A camera's encoder, not the bundled clip's still-image settings.
    preset: 'veryfast',
    tune: null,
    frame: async (n) => {
      const index = passes.findIndex((p) => n >= p.fromFrame && n <= p.toFrame);
      if (index < 0) return empty;
      if (current?.index !== index) {
        const p = photos[index]!;
        const photo = await p.load();
        current = {
          index,
          photo,
          plan: planPass(photo, p.box, { frames: o.frames, out: o.size, seed: o.seed * 100_003 + index }),
        };
        o.onProgress?.(index);
      }
      return renderer.render(current.photo, current.plan[n - passes[index]!.fromFrame]!);
    },
  });
  return passes;
}

/** Decodes `file` into rgb24 frames of `size`, one at a time: `onFrame` is awaited before the next is read. */
export async function playClip(
  ffmpeg: string,
  file: string,
  size: Size,
  onFrame: (frame: RgbImage, n: number) => Promise<void>,
): Promise<number> {
  const child = spawn(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-i', file, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const frameBytes = size.width * size.height * 3;
  let pending: Buffer[] = [];
  let have = 0;
  let n = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending.push(chunk);
    have += chunk.length;
    while (have >= frameBytes) {
      const all = Buffer.concat(pending);
      const data = new Uint8Array(frameBytes);
      data.set(all.subarray(0, frameBytes));
      pending = [all.subarray(frameBytes)];
      have -= frameBytes;
      await onFrame({ width: size.width, height: size.height, data }, n++);
    }
  }
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg exited with ${code} while decoding ${file}`);
  return n;
}
