// The boxes the daemon's default detector gives on the plates the reader may train on, so that
// realdata.py can crop some training copies the way the daemon will crop them at run time
// (the reader alone reads ground-truth boxes 4 points better than the detector's on us-dev).
//
//   npx tsx scripts/train/det-boxes.ts [OUT.json]     (default scripts/train/work/det_boxes.json)
//
// - openalpr-eu photos: every box plate-det-v1-text returns on the whole photo.
// - openalpr-us-crops and openalpr-br-crops (plate crops, no surroundings): the refine step alone, as
//   PlateThenTextDetector runs it: the crop is the plate box, the search region around it is
//   filled by repeating the crop's edge, and the widest-enough tallest text line is kept.
// openalpr-us-dev is never read. Boxes are [x, y, w, h] in the image's own pixels.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { loadManifest } from '../../daemon/vision/manifest.js';
import { visionConfigSchema } from '../../daemon/vision/config.js';
import { buildDetector, modelOptions, resolveModel } from '../../daemon/vision/model-registry.js';
import { loadDataset, loadRgb } from '../../daemon/vision/eval-dataset.js';
import { PpocrDetector } from '../../daemon/vision/ppocr-detector.js';
import { openSession } from '../../daemon/vision/onnx-session.js';
import { defaultPlateThenTextOptions, plateLine } from '../../daemon/vision/plate-text-detector.js';
import type { Box, RgbImage } from '../../daemon/vision/image.js';

const here = import.meta.dirname;
const datasets = process.env.ALPR_DATASETS ?? resolve(here, '../../../shared/datasets');
const out = process.argv[2] ?? join(here, 'work/det_boxes.json');
const manifest = await loadManifest(resolve(here, '../../models'));
const detector = await buildDetector(
  resolveModel(manifest, 'detector', 'plate-det-v1-text'),
  modelOptions(visionConfigSchema.parse(undefined), manifest),
);
const textEntry = resolveModel(manifest, 'detector', 'ppocr-v4-det');
const text = new PpocrDetector(
  textEntry.name,
  await openSession(textEntry.file, textEntry.name),
  PpocrDetector.defaults(192),
);
const asArray = (b: Box) => [b.x, b.y, b.w, b.h].map((v) => Math.round(v * 10) / 10);

const eu: Record<string, number[][]> = {};
for (const img of await loadDataset(join(datasets, 'openalpr-eu'))) {
  if (eu[img.name]) continue;
  eu[img.name] = (await detector.detect(await loadRgb(img.file))).map((d) => asArray(d.box));
}

/** The crop inside a region grown by the refine step's margins, its edges repeated outwards. */
async function padded(file: string): Promise<{ image: RgbImage; left: number; top: number }> {
  const meta = await sharp(file).metadata();
  const left = Math.round(meta.width! * defaultPlateThenTextOptions.padX),
    top = Math.round(meta.height! * defaultPlateThenTextOptions.padY);
  const { data, info } = await sharp(file)
    .removeAlpha()
    .toColourspace('srgb')
    .extend({ left, right: left, top, bottom: top, extendWith: 'copy' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    image: {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    },
    left,
    top,
  };
}

/** The refine step's character line on each crop of a crops folder (null where none is wide enough). */
async function lines(folder: string): Promise<{ crops: Record<string, number[] | null>; found: number }> {
  const crops: Record<string, number[] | null> = {};
  let found = 0;
  for (const img of await loadDataset(join(datasets, folder))) {
    const { image, left, top } = await padded(img.file);
    const plateW = image.width - 2 * left;
    const line = plateLine(await text.detect(image), plateW, defaultPlateThenTextOptions.minLineShare);
    crops[img.name] = line ? asArray({ ...line.box, x: line.box.x - left, y: line.box.y - top }) : null;
    if (line) found++;
  }
  return { crops, found };
}

const us = await lines('openalpr-us-crops');
const br = await lines('openalpr-br-crops');
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify({ detector: 'plate-det-v1-text', eu, usCrops: us.crops, brCrops: br.crops }));
console.log(
  `${out}: ${Object.keys(eu).length} eu photos, ${us.found}/${Object.keys(us.crops).length} us-crops and ` +
    `${br.found}/${Object.keys(br.crops).length} br-crops with a text line`,
);
