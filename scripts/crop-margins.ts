/**
 * Boxes that keep the first character: runs the configured detector (with its box refinement and
 * closer look, as a frame gets them) on photos with ground-truth plate boxes, cuts the crops the
 * configured reader would cut from the detection on the plate, and counts how often the truth box
 * reaches past them on the left or right by more than --threshold of its width (a character at
 * risk). Then reads the photos end to end (as `alpr-edge eval`) and counts the reads that lost a
 * leading or trailing character. Given other crop margins (--views, --line-views, --alt-views:
 * "fx,fy;fx,fy" scale factors on the training margins, as PlateRecOptions), measures those too,
 * side by side on the same detections.
 *
 *   npx tsx scripts/crop-margins.ts --dataset ../shared/datasets/openalpr-eu [--threshold 0.03]
 *     [--line-views "1,1;0,0"] [--alt-views "1,1;2.5,2"] [--views "1,1;0,0;2.5,2;1,3.5"] [--examples 12] [--limit N]
 */
import { parseArgs } from 'node:util';
import { silentLogger } from '../daemon/shared/logger.js';
import { createInProcessAnalyzer } from '../daemon/vision/analyzer-factory.js';
import { visionConfigSchema } from '../daemon/vision/config.js';
import { loadDataset, loadRgb, percentile } from '../daemon/vision/eval-dataset.js';
import { runEval } from '../daemon/vision/eval-run.js';
import { detectCloser, detectPlates } from '../daemon/vision/frame-analysis.js';
import { iou } from '../daemon/vision/image.js';
import { defaultModelsDir, loadManifest } from '../daemon/vision/manifest.js';
import { loadSyntax, resolveModel } from '../daemon/vision/model-registry.js';
import type { Detection, PlateReader } from '../daemon/vision/ports.js';
import {
  createPlateRecReader,
  defaultPlateRecOptions,
  type PlateRecOptions,
} from '../daemon/vision/plate-rec-reader.js';
import { shareWithInterval } from './passes/pass-score.js';
import { edgeLoss, leastOverhang, overhang, readerCrops } from './margins/overhang.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    threshold: { type: 'string', default: '0.03' },
    views: { type: 'string' },
    'line-views': { type: 'string' },
    'alt-views': { type: 'string' },
    examples: { type: 'string', default: '12' },
    limit: { type: 'string' },
  },
});
if (!values.dataset) {
  console.error('usage: crop-margins --dataset DIR [--threshold 0.03] [--views ..] [--line-views ..] [--alt-views ..]');
  process.exit(64);
}
const threshold = Number(values.threshold);
const maxExamples = Number(values.examples);
const parseViews = (s: string): [number, number][] =>
  s.split(';').map((v) => {
    const [fx, fy] = v.split(',').map(Number);
    if (!Number.isFinite(fx) || !Number.isFinite(fy)) throw new Error(`views "${s}": expected "fx,fy;fx,fy"`);
    return [fx!, fy!];
  });

const images = (await loadDataset(values.dataset))
  .filter((img) => img.box !== null)
  .slice(0, values.limit ? Number(values.limit) : undefined);
if (images.length === 0) throw new Error(`--dataset ${values.dataset}: no photos with a plate box`);
const vision = visionConfigSchema.parse(undefined);
const analyzer = await createInProcessAnalyzer(vision, silentLogger());
const variants: { name: string; opts: PlateRecOptions; reader: PlateReader }[] = [
  { name: `${vision.reader} (default margins)`, opts: defaultPlateRecOptions, reader: analyzer.reader },
];
if (values.views || values['line-views'] || values['alt-views']) {
  const opts: PlateRecOptions = {
    ...defaultPlateRecOptions,
    ...(values.views ? { views: parseViews(values.views) } : {}),
    ...(values['line-views'] ? { lineViews: parseViews(values['line-views']) } : {}),
    ...(values['alt-views'] ? { altViews: parseViews(values['alt-views']) } : {}),
  };
  const manifest = await loadManifest(vision.models_dir || defaultModelsDir());
  const reader = await createPlateRecReader(
    resolveModel(manifest, 'reader', vision.reader),
    opts,
    [],
    loadSyntax(manifest, vision.plate_syntax),
  );
  const name = `${vision.reader} (views ${JSON.stringify(opts.views)}, line ${JSON.stringify(opts.lineViews)}, alt ${JSON.stringify(opts.altViews)})`;
  variants.push({ name, opts, reader: { name, read: (image, region) => reader.read(image, region) } });
}

/** The detection on the truth plate: the first pass's, else the closer look's (as a frame gets it). */
async function plateDetection(file: string, truth: NonNullable<(typeof images)[number]['box']>) {
  const rgb = await loadRgb(file);
  const best = (ds: Detection[]) =>
    ds
      .map((d) => ({ d, o: Math.max(iou(d.box, truth), d.alt ? iou(d.alt, truth) : 0) }))
      .filter((x) => x.o > 0)
      .sort((a, b) => b.o - a.o)[0]?.d;
  const first = await detectPlates(analyzer.detector, rgb);
  const found =
    best(first.detections) ?? best((await detectCloser(analyzer.detector, rgb, first.detections)).detections);
  return { rgb, found };
}

const pct = (k: number, n: number) => `${k} (${((100 * k) / Math.max(1, n)).toFixed(1)} %)`;
type Side = { left: number; right: number };
const geometry = variants.map(() => ({
  first: [] as { name: string; o: Side }[],
  widest: [] as { name: string; o: Side }[],
}));
let found = 0;
for (const img of images) {
  const { rgb, found: d } = await plateDetection(img.file, img.box!);
  if (!d) continue;
  found++;
  for (const [i, v] of variants.entries()) {
    const crops = readerCrops(d, rgb.width, rgb.height, v.opts);
    if (crops.length === 0) continue;
    geometry[i]!.first.push({ name: img.name, o: overhang(img.box!, crops[0]!) });
    geometry[i]!.widest.push({ name: img.name, o: leastOverhang(img.box!, crops) });
  }
}
console.log(
  `crop-margins ${values.dataset}: ${images.length} photos, the plate found in ${found} (detector ${vision.detector}); ` +
    `at risk: the truth box reaches more than ${(threshold * 100).toFixed(0)} % of its width past the crop`,
);
const cut = (o: Side) => o.left > threshold || o.right > threshold;
for (const [i, v] of variants.entries()) {
  console.log(`${v.name}:`);
  for (const [label, rows] of [
    ['first crop (read alone first)', geometry[i]!.first],
    ['every crop (the widest on each side)', geometry[i]!.widest],
  ] as const) {
    const n = rows.length;
    const med = (side: 'left' | 'right') =>
      (
        100 *
        percentile(
          rows.map((r) => r.o[side]),
          0.5,
        )
      ).toFixed(1);
    console.log(
      `  ${label}: left ${pct(rows.filter((r) => r.o.left > threshold).length, n)}, right ${pct(rows.filter((r) => r.o.right > threshold).length, n)}, ` +
        `either ${pct(rows.filter((r) => cut(r.o)).length, n)} of ${n}; median overhang left ${med('left')} %, right ${med('right')} %`,
    );
  }
  const examples = geometry[i]!.widest.filter((r) => cut(r.o)).sort(
    (a, b) => Math.max(b.o.left, b.o.right) - Math.max(a.o.left, a.o.right),
  );
  if (examples.length)
    console.log(
      `  cut by every crop: ${examples
        .slice(0, maxExamples)
        .map((r) => `${r.name} (L ${(100 * r.o.left).toFixed(0)} %, R ${(100 * r.o.right).toFixed(0)} %)`)
        .join(', ')}${examples.length > maxExamples ? `, … ${examples.length - maxExamples} more` : ''}`,
    );
}

// End to end, every reader on the same detections (as `alpr-edge eval --reader a,b`).
const { rows, summaries } = await runEval(
  images,
  analyzer.detector,
  variants.map((v) => v.reader),
);
const firstCut = new Set(geometry[0]!.first.filter((r) => cut(r.o)).map((r) => r.name));
for (const s of summaries) {
  const mine = rows.filter((r) => r.reader === s.reader);
  const lost = mine.map((r) => ({ r, loss: r.top1 ? null : edgeLoss(r.truth, r.text) })).filter((x) => x.loss);
  const cutRows = mine.filter((r) => firstCut.has(r.image));
  console.log(
    `reads, ${s.reader}: top-1 ${shareWithInterval(mine.filter((r) => r.top1).length, mine.length)}; ` +
      `lost a leading character ${lost.filter((x) => x.loss === 'leading').length}, a trailing one ${lost.filter((x) => x.loss === 'trailing').length}` +
      `${lost.length ? `: ${lost.map((x) => `${x.r.image} ${x.r.truth}→${x.r.text}`).join(', ')}` : ''}; ` +
      `photos whose default first crop is cut: read right ${cutRows.filter((r) => r.top1).length} of ${cutRows.length}`,
  );
}
await analyzer.close();
