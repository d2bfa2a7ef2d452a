/**
 * Reads per pass from real photos: each ground-truthed photo of a folder becomes a short pass as a
 * camera on a pole sees a car approach (scripts/passes/pass-plan.ts), all of them one after
 * another in one H.264 clip with empty frames between; the clip is played through the daemon's
 * reading path (the camera pipeline: motion gate, the configured detector and reader, tracker,
 * vote, read rule) and each pass is scored by the reads it stored. The same photos are read one
 * by one as `alpr-edge eval` reads them, for comparison.
 *
 *   npx tsx scripts/drive-by-photos.ts --dataset ../shared/datasets/openalpr-eu [--frames 12] [--seed 1]
 *     [--gap 10] [--fps 5] [--limit N] [--list]
 *
 * The clip is written to a temporary folder and deleted at the end: it is made of the photos.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveFfmpegPath } from '../daemon/camera/ffmpeg-path.js';
import { pipelineConfigSchema } from '../daemon/pipeline/config.js';
import { readRule } from '../daemon/pipeline/read-rule.js';
import { silentLogger } from '../daemon/shared/logger.js';
import { createInProcessAnalyzer } from '../daemon/vision/analyzer-factory.js';
import { visionConfigSchema } from '../daemon/vision/config.js';
import { loadDataset, loadRgb } from '../daemon/vision/eval-dataset.js';
import { runEval } from '../daemon/vision/eval-run.js';
import { defaultModelsDir, loadManifest } from '../daemon/vision/manifest.js';
import { loadSyntax } from '../daemon/vision/model-registry.js';
import { writePassClip } from './passes/pass-clip.js';
import { scorePasses, shareWithInterval, summarisePasses } from './passes/pass-score.js';
import { chooseByPrior } from './passes/prior-choice.js';
import { passTs, playPasses } from './passes/play-passes.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    frames: { type: 'string', default: '12' },
    seed: { type: 'string', default: '1' },
    gap: { type: 'string', default: '10' },
    fps: { type: 'string', default: '5' },
    limit: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});
if (!values.dataset) {
  console.error(
    'usage: drive-by-photos --dataset DIR [--frames 12] [--seed 1] [--gap 10] [--fps 5] [--limit N] [--list]',
  );
  process.exit(64);
}
const frames = Number(values.frames);
const seed = Number(values.seed);
const gap = Number(values.gap);
const fps = Number(values.fps);
const size = { width: 1280, height: 720 };
const pipelineConfig = pipelineConfigSchema.parse(undefined);
if (gap / fps <= pipelineConfig.track_timeout_s)
  throw new Error(`--gap ${gap} frames at ${fps} fps is no longer than track_timeout_s: passes would merge`);

const images = (await loadDataset(values.dataset))
  .filter((img) => img.box !== null)
  .slice(0, values.limit ? Number(values.limit) : undefined);
if (images.length === 0) throw new Error(`--dataset ${values.dataset}: no photos with a plate box`);

const vision = visionConfigSchema.parse(undefined);
const analyzer = await createInProcessAnalyzer(vision, silentLogger(), pipelineConfig.min_confidence);
const syntax = loadSyntax(await loadManifest(vision.models_dir || defaultModelsDir()), vision.plate_syntax);
const t0 = performance.now();
const minutes = () => ((performance.now() - t0) / 60_000).toFixed(1);

// The photos one by one, as `alpr-edge eval --dataset DIR --reader <default>` reads them.
const still = await runEval(images, analyzer.detector, [analyzer.reader]);
const stillRight = new Map(still.rows.map((r) => [r.image, r.top1]));
console.error(`drive-by-photos: ${images.length} photos read one by one (${minutes()} min)`);

const dir = mkdtempSync(join(tmpdir(), 'alpr-drive-by-photos-'));
try {
  const ffmpeg = resolveFfmpegPath();
  const clip = join(dir, 'passes.mp4');
  const passes = await writePassClip(
    images.map((img) => ({ name: img.name, plate: img.plate, box: img.box!, load: () => loadRgb(img.file) })),
    {
      ffmpeg,
      out: clip,
      size,
      fps,
      frames,
      gap,
      seed,
      onProgress: (i) =>
        i % 20 === 0 && console.error(`  rendering pass ${i + 1} of ${images.length} (${minutes()} min)`),
    },
  );
  console.error(`drive-by-photos: clip of ${passes.length} passes encoded (${minutes()} min)`);

  const {
    outcomes,
    stray,
    dropped,
    reads,
    frames: decoded,
    stats,
  } = await playPasses({
    ffmpeg,
    clip,
    passes,
    size,
    fps,
    analyzer,
    config: pipelineConfig,
    rule: readRule(pipelineConfig.single_frame_confidence, syntax ?? null),
    onFrame: (n) => n % 500 === 0 && console.error(`  frame ${n} (${minutes()} min)`),
  });
  const s = summarisePasses(outcomes, stray.length);
  const stillOk = outcomes.filter((o) => stillRight.get(o.name)).length;
  const both = outcomes.filter((o) => o.right && stillRight.get(o.name)).length;
  const n = s.passes;
  console.log(
    `drive-by-photos ${values.dataset}: ${n} passes of ${frames} frames at ${fps} fps, 1280×720, seed ${seed}; ` +
      `detector ${vision.detector}, reader ${vision.reader}, plate_syntax ${vision.plate_syntax}; ` +
      `${decoded} frames, ${stats.framesAnalyzed} analysed (${minutes()} min)`,
  );
  console.log(`  single photo top-1:  ${shareWithInterval(stillOk, n)}`);
  console.log(`  pass read right:     ${shareWithInterval(s.right, n)}`);
  console.log(`  pass read once, right: ${shareWithInterval(s.clean, n)}`);
  console.log(
    `  passes read twice or more ${s.readTwice}, with reads but none right ${s.wrongOnly}, missed ${s.missed}; ` +
      `extra reads ${s.extraReads} (${(s.extraReads / Math.max(1, n)).toFixed(2)} per pass), reads between passes ${s.stray}`,
  );
  if (syntax) {
    // The vote (daemon/pipeline/vote.ts) tallies characters without the shape prior each frame's read uses.
    const prior = (t: string, state: string | null) => syntax.probability(t, state);
    const weighed = scorePasses(
      passes.map((p) => ({
        name: p.name,
        plate: p.plate,
        fromTs: passTs(p.fromFrame, fps),
        toTs: passTs(p.toFrame, fps),
      })),
      reads.map((r) => ({ text: chooseByPrior(r, prior), firstSeen: r.firstSeen, lastSeen: r.lastSeen })),
    );
    const w = summarisePasses(weighed.outcomes, weighed.stray.length);
    console.log(
      `  pass read right if the vote were weighed by ${vision.plate_syntax}: ${shareWithInterval(w.right, n)}`,
    );
  }
  console.log(
    `  paired: both right ${both}, pass only ${s.right - both}, photo only ${stillOk - both}, neither ${n - s.right - stillOk + both}`,
  );
  console.log(
    `  dropped by the pipeline: below min_confidence ${stats.readsBelowConfidence}, not plate-shaped ${stats.readsNotPlateShaped}, unconfirmed ${stats.readsUnconfirmed}`,
  );
  for (const [i, o] of outcomes.entries()) {
    if (!values.list && o.right && o.extra === 0) continue;
    const lost = dropped.filter((d) => d.pass === i);
    console.log(
      `  ${o.name} ${o.plate}: ${o.reads.length ? o.reads.join(' ') : '(no read)'}` +
        `${lost.length ? ` (not stored: ${lost.map((d) => `${d.text} ${d.confidence.toFixed(2)} ${d.reason}`).join(', ')})` : ''}` +
        `${stillRight.get(o.name) ? '' : ' [photo read wrong]'}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await analyzer.close();
}
