import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFfmpegPath } from '../../daemon/camera/ffmpeg-path.js';
import { pipelineConfigSchema } from '../../daemon/pipeline/config.js';
import { readRule } from '../../daemon/pipeline/read-rule.js';
import type { Box, RgbImage } from '../../daemon/vision/image.js';
import type { AnalyzedPlate, FrameAnalyzer } from '../../daemon/vision/ports.js';
import { writePassClip } from './pass-clip.js';
import { playPasses } from './play-passes.js';
import { summarisePasses } from './pass-score.js';

const size = { width: 320, height: 180 };

/** A "photo" of one colour (the analyzer below tells the passes apart by it). */
function solid(rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(640 * 360 * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width: 640, height: 360, data };
}

function plate(text: string, box: Box, confidence = 0.9): AnalyzedPlate {
  return {
    text,
    confidence,
    chars: [...text].map((char) => ({ char, p: 0.95, alts: [] })),
    alternatives: [],
    state: null,
    box,
    detectionScore: 0.9,
  };
}

/**
 * Reads by the frame's colour, as if each colour were a car: red shows its plate, green its plate
 * and a sticker far from it (two tracks), yellow a plate too blurred to read surely, blue nothing
 * readable; the grey road nothing.
 */
const byColour: FrameAnalyzer = {
  analyze: async (image) => {
    const i = ((image.height >> 1) * image.width + (image.width >> 1)) * 3;
    const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    if (r > g + 80 && r > b + 80) return [plate('ABC123', { x: 100, y: 100, w: 60, h: 20 })];
    if (g > r + 80 && g > b + 80)
      return [plate('XYZ789', { x: 100, y: 100, w: 60, h: 20 }), plate('4MILE', { x: 10, y: 10, w: 50, h: 15 })];
    if (r > b + 80 && g > b + 80) return [plate('LMN321', { x: 100, y: 100, w: 60, h: 20 }, 0.2)];
    return [];
  },
  close: async () => {},
};

describe('a clip of passes played through the camera pipeline', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alpr-play-passes-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores a pass read right, a pass read twice and passes missed from the reads the pipeline stores', async () => {
    const ffmpeg = resolveFfmpegPath();
    const clip = join(dir, 'passes.mp4');
    const photos = [
      { name: 'red.jpg', plate: 'ABC123', colour: [220, 30, 30] as [number, number, number] },
      { name: 'green.jpg', plate: 'XYZ789', colour: [30, 220, 30] as [number, number, number] },
      { name: 'blue.jpg', plate: 'QRS456', colour: [30, 30, 220] as [number, number, number] },
      { name: 'yellow.jpg', plate: 'LMN321', colour: [220, 220, 30] as [number, number, number] },
    ];
    const fps = 5;
    const passes = await writePassClip(
      photos.map((p) => ({
        name: p.name,
        plate: p.plate,
        box: { x: 280, y: 200, w: 80, h: 40 },
        load: async () => solid(p.colour),
      })),
      { ffmpeg, out: clip, size, fps, frames: 4, gap: 9, seed: 1 },
    );
    expect(passes.map((p) => [p.fromFrame, p.toFrame])).toEqual([
      [9, 12],
      [22, 25],
      [35, 38],
      [48, 51],
    ]);
    const config = pipelineConfigSchema.parse(undefined);
    const played = await playPasses({
      ffmpeg,
      clip,
      passes,
      size,
      fps,
      analyzer: byColour,
      config,
      rule: readRule(config.single_frame_confidence),
    });
    expect(played.frames).toBe(9 + 4 * (4 + 9));
    expect(played.outcomes.map((o) => [o.name, o.reads])).toEqual([
      ['red.jpg', ['ABC123']],
      ['green.jpg', ['XYZ789', '4MILE']],
      ['blue.jpg', []],
      ['yellow.jpg', []],
    ]);
    // The unsure pass's vote is reported as not stored, with its pass and why.
    expect(played.dropped).toEqual([
      { text: 'LMN321', confidence: expect.any(Number), reason: 'below_min_confidence', pass: 3 },
    ]);
    expect(summarisePasses(played.outcomes, played.stray.length)).toEqual({
      passes: 4,
      right: 2,
      clean: 1,
      readTwice: 1,
      wrongOnly: 0,
      missed: 2,
      extraReads: 1,
      stray: 0,
    });
  });
});
