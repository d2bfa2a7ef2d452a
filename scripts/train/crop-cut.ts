// How often the reader's crops of the daemon's detections cut a plate's first or last character,
// on full photos with ground-truth plate boxes that the reader may be trained on (openalpr-br,
// openalpr-eu; never openalpr-us-dev).
//
//   npx tsx scripts/train/crop-cut.ts [READER] [DATASET...]      (default plate-rec-v10, openalpr-br openalpr-eu)
//
// For each labelled plate the default detector (plate-det-v1-text, with its zoom and character-line
// refine; no closer look) runs on the photo, and the detection overlapping the plate best is read
// as the daemon reads it: four crops (PlateRecOptions views, or lineViews and altViews when a
// character line was found). Two measures:
// - geometry: by how much of the plate's width each crop's left (right) edge lies inside the
//   ground-truth box (openalpr-eu: its left edge taken 8.5 % in, past the country band, whose
//   letters are not in the label); counted past 3 % and 6 % (about half a character) of the width;
// - reads: the crops whose greedy read is the plate less its first (last) character, and the
//   reader's chosen read likewise.
// ENV PLATE_PX=N first shrinks each photo so that its plate is about N pixels wide (openalpr-us-dev's
// plates are often 60-100 px wide, openalpr-br's 260), when that shrinks it.
// ENV LINE_PAD=x,y widens a found character line by x of its width and y of its height per side
// before it is read (a candidate fix, measured here on training photos only).
import { resolve, join } from 'node:path';
import sharp from 'sharp';
import { loadManifest } from '../../daemon/vision/manifest.js';
import { visionConfigSchema } from '../../daemon/vision/config.js';
import {
  buildDetector,
  buildReader,
  loadSyntax,
  modelOptions,
  resolveModel,
} from '../../daemon/vision/model-registry.js';
import { loadDataset, loadRgb, overlapsTruth } from '../../daemon/vision/eval-dataset.js';
import { iou, type Box } from '../../daemon/vision/image.js';
import {
  PLATE_REC,
  type PlateRecReader,
  cropBox,
  decodeCtc,
  defaultPlateRecOptions,
  greyInput,
} from '../../daemon/vision/plate-rec-reader.js';
import type { Detection } from '../../daemon/vision/ports.js';

const here = import.meta.dirname;
const datasets = process.env.ALPR_DATASETS ?? resolve(here, '../../../shared/datasets');
const readerName = process.argv[2] ?? 'plate-rec-v10';
const sets = process.argv.length > 3 ? process.argv.slice(3) : ['openalpr-br', 'openalpr-eu'];
if (sets.some((s) => s.includes('us-dev'))) throw new Error('openalpr-us-dev is for validation only');
const platePx = Number(process.env.PLATE_PX ?? 0);
const [padX, padY] = (process.env.LINE_PAD ?? '0,0').split(',').map(Number) as [number, number];
const manifest = await loadManifest(resolve(here, '../../models'));
const vision = visionConfigSchema.parse(undefined);
const opts = modelOptions(vision, manifest, loadSyntax(manifest, vision.plate_syntax));
const detector = await buildDetector(resolveModel(manifest, 'detector', 'plate-det-v1-text'), opts);
const reader = (await buildReader(resolveModel(manifest, 'reader', readerName), opts)) as PlateRecReader;
const o = defaultPlateRecOptions;
const classes = PLATE_REC.alphabet.length + 1;
const size = PLATE_REC.height * PLATE_REC.width;

const grow = (b: Box): Box => ({
  x: b.x - b.w * padX,
  y: b.y - b.h * padY,
  w: b.w * (1 + 2 * padX),
  h: b.h * (1 + 2 * padY),
});

for (const set of sets) {
  const c = {
    plates: 0,
    found: 0,
    withLine: 0,
    cut3: [0, 0],
    cut6: [0, 0],
    firstCut6: [0, 0],
    allCut3: [0, 0],
    lostView: [0, 0],
    views: 0,
    lostRead: [0, 0],
    right: 0,
  };
  for (const img of await loadDataset(join(datasets, set))) {
    if (!img.box) continue;
    c.plates++;
    let rgb = await loadRgb(img.file);
    let gt = img.box;
    const scale = platePx ? platePx / gt.w : 1;
    if (scale < 1) {
      const { data, info } = await sharp(img.file)
        .removeAlpha()
        .toColourspace('srgb')
        .resize(Math.round(rgb.width * scale))
        .raw()
        .toBuffer({ resolveWithObject: true });
      const sx = info.width / rgb.width,
        sy = info.height / rgb.height;
      rgb = {
        width: info.width,
        height: info.height,
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      };
      gt = { x: gt.x * sx, y: gt.y * sy, w: gt.w * sx, h: gt.h * sy };
    }
    const dets = await detector.detect(rgb);
    const match = dets
      .filter((d) => overlapsTruth(d.alt ?? d.box, gt))
      .sort((a, b) => iou(b.alt ?? b.box, gt) - iou(a.alt ?? a.box, gt))[0];
    if (!match) continue;
    c.found++;
    const region: Detection = match.alt ? { ...match, box: grow(match.box) } : match;
    if (region.alt) c.withLine++;
    const around = (box: Box, views: [number, number][]) =>
      views.map(([fx, fy]) => cropBox(box, rgb.width, rgb.height, PLATE_REC.marginX * fx, PLATE_REC.marginY * fy));
    const crops = region.alt
      ? [...around(region.box, o.lineViews), ...around(region.alt, o.altViews)]
      : around(region.box, o.views);
    // the plate's characters span: the ground-truth box, less the EU country band at its left
    const left = gt.x + (set.includes('eu') ? 0.085 * gt.w : 0),
      right = gt.x + gt.w;
    const cutL = crops.map((b) => (b.x - left) / gt.w),
      cutR = crops.map((b) => (right - (b.x + b.w)) / gt.w);
    for (const [k, cut] of [cutL, cutR].entries()) {
      c.cut3[k]! += cut.some((v) => v > 0.03) ? 1 : 0;
      c.cut6[k]! += cut.some((v) => v > 0.06) ? 1 : 0;
      c.firstCut6[k]! += cut[0]! > 0.06 ? 1 : 0;
      c.allCut3[k]! += cut.every((v) => v > 0.03) ? 1 : 0;
    }
    const input = new Float32Array(size * crops.length);
    for (const [i, b] of crops.entries()) input.set(greyInput(rgb, b), i * size);
    const out = await reader.infer(input, crops.length);
    const steps = out.chars.length / crops.length / classes;
    const t = img.plate;
    for (let v = 0; v < crops.length; v++) {
      const text = decodeCtc(out.chars.subarray(v * steps * classes, (v + 1) * steps * classes), steps, classes).text;
      c.views++;
      if (text === t.slice(1)) c.lostView[0]!++;
      if (text === t.slice(0, -1)) c.lostView[1]!++;
    }
    const read = await reader.read(rgb, region);
    if (read?.text === t) c.right++;
    if (read?.text === t.slice(1)) c.lostRead[0]!++;
    if (read?.text === t.slice(0, -1)) c.lostRead[1]!++;
  }
  const pct = (k: number, n = c.found) => `${((100 * k) / Math.max(n, 1)).toFixed(1)} %`;
  console.log(
    `${set}: ${c.plates} plates, ${c.found} found (${c.withLine} with a character line), reader ${readerName}${platePx ? `, plates shrunk to ${platePx} px` : ''}${padX || padY ? `, line grown ${padX},${padY}` : ''}`,
  );
  console.log(
    `  a crop's edge inside the plate by > 3 % of its width: left ${pct(c.cut3[0]!)}, right ${pct(c.cut3[1]!)}; > 6 %: left ${pct(c.cut6[0]!)}, right ${pct(c.cut6[1]!)}`,
  );
  console.log(
    `  the first (gate) crop inside by > 6 %: left ${pct(c.firstCut6[0]!)}, right ${pct(c.firstCut6[1]!)}; every crop inside by > 3 %: left ${pct(c.allCut3[0]!)}, right ${pct(c.allCut3[1]!)}`,
  );
  console.log(
    `  crops read without the first / last character: ${pct(c.lostView[0]!, c.views)} / ${pct(c.lostView[1]!, c.views)} of ${c.views}`,
  );
  console.log(
    `  chosen reads without the first / last character: ${c.lostRead[0]} / ${c.lostRead[1]}; right ${c.right} of ${c.found} (${pct(c.right)})`,
  );
}
