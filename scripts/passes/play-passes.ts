/**
 * Plays a clip of passes (pass-clip.ts) through one camera's pipeline, as the daemon runs it
 * (motion gate, the analyzer, tracker, vote, read rule), and scores the reads it would store.
 */
import { cameraSchema } from '../../daemon/config/camera-schema.js';
import { CameraPipeline, type PipelineStats } from '../../daemon/pipeline/camera-pipeline.js';
import type { PipelineConfig } from '../../daemon/pipeline/config.js';
import type { PlateRead } from '../../daemon/store/plate-read.js';
import type { ReadRule } from '../../daemon/pipeline/read-rule.js';
import { systemClock } from '../../daemon/shared/clock.js';
import { createLogger } from '../../daemon/shared/logger.js';
import type { FrameAnalyzer } from '../../daemon/vision/ports.js';
import type { ClipPass } from './pass-clip.js';
import { playClip } from './pass-clip.js';
import type { Size } from './pass-plan.js';
import { type PassOutcome, type PassRead, scorePasses } from './pass-score.js';

export interface PlayOptions {
  ffmpeg: string;
  clip: string;
  passes: readonly ClipPass[];
  size: Size;
  fps: number;
  analyzer: FrameAnalyzer;
  config: PipelineConfig;
  rule: ReadRule;
  onFrame?: (n: number) => void;
}

/** A pass's vote the pipeline did not store (too unsure, not plate-shaped, or unconfirmed). */
export interface DroppedVote {
  text: string;
  confidence: number;
  reason: string;
  /** The pass it belongs to (the last one begun when it was dropped); -1 before the first. */
  pass: number;
}

export interface PlayResult {
  outcomes: PassOutcome[];
  dropped: DroppedVote[];
  stray: PassRead[];
  reads: PlateRead[];
  frames: number;
  stats: PipelineStats;
}

/**
 * A frame's capture time from the clip's frame rate: the tracker times passes by these, not by how
 * long this machine takes a frame, so every frame is analysed and none is dropped.
 */
export function passTs(n: number, fps: number): number {
  return Date.UTC(2026, 0, 1) + Math.round((n * 1000) / fps);
}

export async function playPasses(o: PlayOptions): Promise<PlayResult> {
  const reads: PlateRead[] = [];
  const dropped: DroppedVote[] = [];
  let frame = 0;
  // The pipeline says only in its debug log which votes it dropped and why.
  const log = createLogger(
    'debug',
    {
      write: (line: string) => {
        const l = JSON.parse(line) as { msg: string; plate?: string; confidence?: number; reason?: string };
        if (!l.msg.endsWith('dropped') || l.plate === undefined) return;
        dropped.push({
          text: l.plate,
          confidence: l.confidence ?? Number.NaN,
          reason: l.reason ?? 'below_min_confidence',
          pass: o.passes.findLastIndex((p) => p.fromFrame <= frame),
        });
      },
    },
    { logPlates: true },
  );
  const camera = cameraSchema.parse({ id: 'passes', name: 'passes', url: o.clip, fps: o.fps });
  const pipeline = new CameraPipeline(
    camera,
    o.config,
    o.analyzer,
    { accept: async (read) => void reads.push(read) },
    systemClock,
    log,
    o.rule,
  );
  const ts = (n: number) => passTs(n, o.fps);
  const frames = await playClip(o.ffmpeg, o.clip, o.size, async (image, n) => {
    frame = n;
    await pipeline.onFrame({ cameraId: camera.id, seq: n, ts: ts(n), ...image });
    o.onFrame?.(n);
  });
  await pipeline.stop();
  const { outcomes, stray } = scorePasses(
    o.passes.map((p) => ({ name: p.name, plate: p.plate, fromTs: ts(p.fromFrame), toTs: ts(p.toFrame) })),
    reads.map((r) => ({ text: r.text, firstSeen: r.firstSeen, lastSeen: r.lastSeen })),
  );
  return { outcomes, dropped, stray, reads, frames, stats: pipeline.stats };
}
