/**
 * What the stored-read rule (daemon/pipeline/read-rule.ts) would do to real single photos:
 *
 *   npx tsx scripts/bench-read-rule.ts [--dataset ../shared/datasets/openalpr-us-dev] [--limit N]
 *
 * Each photo goes through the daemon's models (defaults of `vision`) as one frame; each plate read
 * in it is voted as a one-frame pass, as the pipeline would. A photo is one frame, so only the
 * rule's text-shape part and its single-frame confidence part can be judged here: the figures are
 * how many correct reads of the labelled plate each part would drop, and what happens to the
 * other reads (wrong reads of the labelled plate, and text elsewhere in the photo).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pipelineConfigSchema } from '../daemon/pipeline/config.js';
import { judgeRead, plateShaped, readRule } from '../daemon/pipeline/read-rule.js';
import { vote } from '../daemon/pipeline/vote.js';
import { silentLogger } from '../daemon/shared/logger.js';
import { createInProcessAnalyzer } from '../daemon/vision/analyzer-factory.js';
import { visionConfigSchema } from '../daemon/vision/config.js';
import { loadDataset, loadRgb, overlapsTruth } from '../daemon/vision/eval-dataset.js';
import { defaultModelsDir, loadManifest } from '../daemon/vision/manifest.js';
import { loadSyntax } from '../daemon/vision/model-registry.js';
import { ROOT } from '../test/helpers/daemon.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: join(ROOT, '..', 'shared', 'datasets', 'openalpr-us-dev') },
    limit: { type: 'string' },
  },
});
const dir = values.dataset!;
if (!existsSync(dir)) {
  console.log(`bench-read-rule: skipped, ${dir} is absent (evaluation photos are not part of the project)`);
  process.exit(0);
}
const vision = visionConfigSchema.parse(undefined);
const pipeline = pipelineConfigSchema.parse(undefined);
const syntax = loadSyntax(await loadManifest(defaultModelsDir()), vision.plate_syntax) ?? null;
const rule = readRule(pipeline.single_frame_confidence, syntax);
const analyzer = await createInProcessAnalyzer(vision, silentLogger(), pipeline.min_confidence);
const images = (await loadDataset(dir)).slice(0, values.limit ? Number(values.limit) : undefined);

interface Pass {
  text: string;
  confidence: number;
  kind: 'correct' | 'wrong' | 'elsewhere';
}
const passes: Pass[] = [];
for (const img of images) {
  const plates = await analyzer.analyze(await loadRgb(img.file));
  for (const p of plates) {
    const v = vote([p], pipeline.best_crops);
    if (!v || v.confidence < pipeline.min_confidence) continue;
    const onTruth = img.box ? overlapsTruth(p.box, img.box) : false;
    passes.push({
      text: v.text,
      confidence: v.confidence,
      kind: !onTruth ? 'elsewhere' : v.text === img.plate ? 'correct' : 'wrong',
    });
  }
}
await analyzer.close();

const line = (kind: Pass['kind'], what: string): void => {
  const mine = passes.filter((p) => p.kind === kind);
  const shape = mine.filter((p) => !plateShaped(p.text, rule));
  const unsure = mine.filter((p) => plateShaped(p.text, rule) && judgeRead({ ...p, frames: 1 }, rule).keep === false);
  const list = (ps: Pass[]) => ps.map((p) => `${p.text} ${p.confidence.toFixed(2)}`).join(', ');
  console.log(
    `${what}: ${mine.length}; not plate-shaped ${shape.length}${shape.length ? ` (${list(shape)})` : ''}; plate-shaped but under ${rule.sureConfidence} as one frame ${unsure.length}${unsure.length && unsure.length <= 12 ? ` (${list(unsure)})` : ''}`,
  );
};
console.log(
  `bench-read-rule: ${images.length} photos of ${dir}, ${vision.detector} + ${vision.reader}, one-frame passes at or above min_confidence ${pipeline.min_confidence}; all-digit plates plausible at lengths ${[...(rule.allDigitLengths ?? [])].sort().join(', ') || 'any'}`,
);
line('correct', 'correct reads of the labelled plate');
line('wrong', 'wrong reads of the labelled plate');
line('elsewhere', 'reads elsewhere in the photo');
for (const t of [0.5, 0.6, 0.7, 0.8, 0.9]) {
  const at = (kind: Pass['kind']) => passes.filter((p) => p.kind === kind && p.confidence >= t).length;
  console.log(`  at confidence >= ${t}: correct ${at('correct')}, wrong ${at('wrong')}, elsewhere ${at('elsewhere')}`);
}
