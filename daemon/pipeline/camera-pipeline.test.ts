import { CameraPipeline, type ReadSink } from './camera-pipeline.js';
import { ManualClock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { cameraSchema } from '../config/camera-schema.js';
import { pipelineConfigSchema } from './config.js';
import type { AnalyzedPlate, FrameAnalyzer } from '../vision/ports.js';
import type { Box, RgbImage } from '../vision/image.js';
import type { PlateRead } from '../store/plate-read.js';
import { plate } from './test-helpers.js';
import { readRule } from './read-rule.js';
import { PlateSyntax } from '../vision/plate-syntax.js';

const W = 320;
const H = 180;

/** An analyzer that "sees" whatever the test scripted for each frame. */
class ScriptedAnalyzer implements FrameAnalyzer {
  calls = 0;
  rois: (Box | undefined)[] = [];
  constructor(private readonly script: (call: number) => AnalyzedPlate[]) {}
  async analyze(_image: RgbImage, roi?: Box): Promise<AnalyzedPlate[]> {
    this.rois.push(roi);
    return this.script(this.calls++);
  }
  async close(): Promise<void> {}
}

function frame(seq: number, ts: number, shade = seq * 7) {
  return { cameraId: 'front', seq, ts, width: W, height: H, data: new Uint8Array(W * H * 3).fill(shade % 255) };
}

function collect(): ReadSink & { reads: PlateRead[] } {
  const reads: PlateRead[] = [];
  return { reads, accept: async (r) => void reads.push(r) };
}

describe('camera pipeline', () => {
  const camera = cameraSchema.parse({ id: 'front', name: 'Front', url: 'rtsp://cam/1' });
  const config = pipelineConfigSchema.parse({ motion_threshold: 0, min_confidence: 0.3 });

  it('turns one vehicle seen in several frames into one read with a JPEG crop', async () => {
    const analyzer = new ScriptedAnalyzer((i) =>
      i < 5 ? [plate(i === 2 ? 'A8C1234' : 'ABC1234', 0.95, { x: 40 + i * 4, y: 80, w: 80 + i * 5, h: 26 })] : [],
    );
    const sink = collect();
    const p = new CameraPipeline(camera, config, analyzer, sink, new ManualClock(), silentLogger());
    for (let i = 0; i < 12; i++) await p.onFrame(frame(i, 1000 + i * 200));
    await p.stop();
    expect(sink.reads).toHaveLength(1);
    const read = sink.reads[0]!;
    expect(read.text).toBe('ABC1234');
    expect(read.frames).toBe(5);
    expect(read.firstSeen).toBe(1000);
    expect(read.lastSeen).toBe(1800);
    expect([...read.cropJpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it('finalises the vehicle in view once frames stop for the track timeout, by the clock it is given', async () => {
    const analyzer = new ScriptedAnalyzer(() => [plate('ABC1234', 0.95, { x: 40, y: 80, w: 80, h: 26 })]);
    const sink = collect();
    const clock = new ManualClock(10_000);
    // A 6 s timeout: a check paced by real time would first look after 2 s, well after the wait below.
    const slow = pipelineConfigSchema.parse({ motion_threshold: 0, min_confidence: 0.3, track_timeout_s: 6 });
    const p = new CameraPipeline(camera, slow, analyzer, sink, clock, silentLogger());
    p.start();
    for (let i = 0; i < 3; i++) await p.onFrame(frame(i, 1000 + i * 200));
    clock.advance(5000); // under the timeout: the vehicle may still be in view
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.reads).toHaveLength(0);
    clock.advance(2000);
    for (let waited = 0; sink.reads.length === 0 && waited < 1000; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    expect(sink.reads.map((r) => r.text)).toEqual(['ABC1234']);
    await p.stop();
    expect(sink.reads).toHaveLength(1);
  });

  it('skips analysis of still frames when the motion gate is on', async () => {
    const analyzer = new ScriptedAnalyzer(() => []);
    const gated = pipelineConfigSchema.parse({ motion_threshold: 0.01 });
    const p = new CameraPipeline(camera, gated, analyzer, collect(), new ManualClock(), silentLogger());
    for (let i = 0; i < 5; i++) await p.onFrame(frame(i, i * 200, 50));
    expect(analyzer.calls).toBe(1);
    expect(p.stats.framesSkippedNoMotion).toBe(4);
  });

  it('drops a pass whose voted confidence is below the threshold', async () => {
    const analyzer = new ScriptedAnalyzer((i) =>
      i < 2 ? [plate('ABC1234', 0.5, { x: 40, y: 80, w: 80, h: 26 })] : [],
    );
    const sink = collect();
    const strict = pipelineConfigSchema.parse({ motion_threshold: 0, min_confidence: 0.9 });
    const p = new CameraPipeline(camera, strict, analyzer, sink, new ManualClock(), silentLogger());
    for (let i = 0; i < 4; i++) await p.onFrame(frame(i, i * 200));
    await p.stop();
    expect(sink.reads).toHaveLength(0);
    expect(p.stats.readsBelowConfidence).toBe(1);
  });

  describe('stores only plate-shaped passes seen twice or read surely', () => {
    /** Real plates of six digits were counted; of no other all-digit length. */
    const prior = new PlateSyntax({ name: 'test', shapes: { DDDDDD: 3, LLLDDDD: 9 }, states: {} });
    async function pass(text: string, p: number, frames: number) {
      const analyzer = new ScriptedAnalyzer((i) =>
        i < frames ? [plate(text, p, { x: 40, y: 80, w: 80, h: 26 })] : [],
      );
      const sink = collect();
      const pipeline = new CameraPipeline(
        camera,
        config,
        analyzer,
        sink,
        new ManualClock(),
        silentLogger(),
        readRule(config.single_frame_confidence, prior),
      );
      for (let i = 0; i < frames + 10; i++) await pipeline.onFrame(frame(i, 1000 + i * 200));
      await pipeline.stop();
      return { texts: sink.reads.map((r) => r.text), stats: pipeline.stats };
    }

    it('drops a pass read in one frame below single_frame_confidence', async () => {
      // One read of seven characters at 0.9 each votes to about 0.69.
      const r = await pass('V5K2231', 0.9, 1);
      expect(r.texts).toEqual([]);
      expect(r.stats.readsUnconfirmed).toBe(1);
    });

    it('keeps a pass read surely in one frame (a fast car)', async () => {
      expect((await pass('ABC1234', 0.97, 1)).texts).toEqual(['ABC1234']);
    });

    it('keeps a pass read in two frames at a modest confidence', async () => {
      expect((await pass('JKL4567', 0.85, 2)).texts).toEqual(['JKL4567']);
    });

    it('drops text no plate has, however often and surely it was read', async () => {
      const stamp = await pass('28073306', 0.99, 8);
      expect(stamp.texts).toEqual([]);
      expect(stamp.stats.readsNotPlateShaped).toBe(1);
      expect((await pass('99', 0.99, 8)).texts).toEqual([]);
      expect((await pass('014051', 0.99, 8)).texts).toEqual(['014051']);
    });
  });

  it("restricts detection to the camera's region of interest and keeps the frame-pixel box", async () => {
    const roi = { x: 100, y: 50, w: 200, h: 120 };
    const roiCam = cameraSchema.parse({ id: 'front', name: 'F', url: 'rtsp://cam/1', roi });
    const analyzer = new ScriptedAnalyzer((i) =>
      i < 1 ? [plate('ABC1234', 0.95, { x: 110, y: 70, w: 80, h: 26 })] : [],
    );
    const sink = collect();
    const p = new CameraPipeline(roiCam, config, analyzer, sink, new ManualClock(), silentLogger());
    await p.onFrame(frame(0, 0));
    await p.stop();
    expect(analyzer.rois).toEqual([roi]);
    expect(sink.reads[0]!.box).toMatchObject({ x: 110, y: 70 });
  });
});
