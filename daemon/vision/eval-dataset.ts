import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { Box, RgbImage } from './image.js';
import type { AnalyzedPlate } from './ports.js';

/**
 * One labelled image. Full photos (OpenALPR benchmark format, `NAME.txt` =
 * `NAME.jpg\tx\ty\tw\th\tPLATE`) carry the plate's box; tight plate crops (`groundtruth.csv` =
 * `file,state,PLATE`) carry no box (`box` null: the whole image is the plate) but a state.
 */
export interface LabelledImage {
  name: string;
  file: string;
  box: Box | null;
  plate: string;
  /** Two-letter US state when the labels give one. */
  state?: string;
}

/**
 * Lists a labelled folder: the benchmark's NAME.txt files, or a crops folder's groundtruth.csv.
 * A malformed label is an Error naming its file and line.
 */
export async function loadDataset(dir: string): Promise<LabelledImage[]> {
  const entries = await readdir(dir);
  if (entries.includes('groundtruth.csv')) return loadCrops(dir);
  const names = (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();
  const out: LabelledImage[] = [];
  for (const txt of names) {
    const lines = (await readFile(join(dir, txt), 'utf8')).split(/\r?\n/);
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      const f = line.split('\t');
      const nums = f.slice(1, 5).map(Number);
      if (f.length < 6 || nums.some((n) => !Number.isFinite(n)))
        throw new Error(`${join(dir, txt)}:${i + 1}: expected "NAME.jpg<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE"`);
      out.push({
        name: f[0]!,
        file: join(dir, f[0]!),
        box: { x: nums[0]!, y: nums[1]!, w: nums[2]!, h: nums[3]! },
        plate: normalisePlate(f[5]!),
      });
    });
  }
  return out;
}

async function loadCrops(dir: string): Promise<LabelledImage[]> {
  const file = join(dir, 'groundtruth.csv');
  const out: LabelledImage[] = [];
  (await readFile(file, 'utf8')).split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || (i === 0 && /^file,/i.test(line))) return;
    const f = line.split(',');
    if (f.length !== 3 || !f[0]) throw new Error(`${file}:${i + 1}: expected "file,state,PLATE"`);
    out.push({
      name: f[0],
      file: join(dir, f[0]),
      box: null,
      plate: normalisePlate(f[2]!),
      state: f[1]!.trim().toUpperCase() || undefined,
    });
  });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The trained reader's held-out split of a crops folder: scripts/train/common.py `is_val`
 * (CRC-32 of the file name mod 10 = 0). Those crops were never trained on, so only they give an
 * honest figure for a model trained on the rest.
 */
export function isHeldOut(name: string): boolean {
  return crc32(name) % 10 === 0;
}

/** Uppercase alphanumeric only: the scoring rule (no confusion mapping). */
export function normalisePlate(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Decodes a photo to packed RGB, as a camera frame would arrive. */
export async function loadRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** A predicted box "finds" the plate when it overlaps the truth box or holds its centre. */
export function overlapsTruth(pred: Box, truth: Box): boolean {
  const ix = Math.min(pred.x + pred.w, truth.x + truth.w) - Math.max(pred.x, truth.x);
  const iy = Math.min(pred.y + pred.h, truth.y + truth.h) - Math.max(pred.y, truth.y);
  if (ix > 0 && iy > 0) return true;
  const cx = truth.x + truth.w / 2,
    cy = truth.y + truth.h / 2;
  return cx >= pred.x && cx <= pred.x + pred.w && cy >= pred.y && cy <= pred.y + pred.h;
}

export interface ImageScore {
  detected: boolean;
  /** The read of the best kept plate on the truth box ('' when none). */
  text: string;
  candidates: string[];
  top1: boolean;
  top5: boolean;
  /** The state the reader gave for the plate (null: none or not sure). */
  state: string | null;
  /** Whether that state is the label's; null when the label has no state. */
  stateCorrect: boolean | null;
  /** Kept plates elsewhere in the frame (other cars' plates or false positives). */
  others: number;
}

/** Scores one image's plates (best first) against its label. */
export function scoreImage(truth: LabelledImage, plates: AnalyzedPlate[]): ImageScore {
  const hit = truth.box ? plates.find((p) => overlapsTruth(p.box, truth.box!)) : plates[0];
  const candidates = hit ? [hit.text, ...hit.alternatives.map((a) => a.text)].slice(0, 5) : [];
  return {
    detected: Boolean(hit),
    text: hit?.text ?? '',
    candidates,
    top1: hit?.text === truth.plate,
    top5: candidates.includes(truth.plate),
    state: hit?.state ?? null,
    stateCorrect: truth.state ? hit?.state === truth.state : null,
    others: plates.length - (hit ? 1 : 0),
  };
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
