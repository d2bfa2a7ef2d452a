import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { CliCommand } from './command.js';
import { parseFlags } from './flags.js';
import { defaultModelsDir, loadManifest, verifyModel } from '../vision/manifest.js';
import {
  buildDetector,
  buildReader,
  companionsOf,
  modelOptions,
  resolveModel,
  resolveSyntax,
} from '../vision/model-registry.js';
import { loadPlateSyntax } from '../vision/plate-syntax.js';
import { isHeldOut, loadDataset } from '../vision/eval-dataset.js';
import { csvHeader, csvLine, runEval, type EvalSummary } from '../vision/eval-run.js';
import { errorSummary } from '../vision/eval-errors.js';
import { visionConfigSchema } from '../vision/config.js';

const HELP = `usage: alpr-edge eval --dataset DIR [options]

Measures the reading path on a folder in the OpenALPR benchmark format
(NAME.jpg + NAME.txt holding "NAME.jpg<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE").
Prints detection recall, top-1 and top-5 exact reads, and median/p90 ms per image.
A folder of tight plate crops (groundtruth.csv holding "file,state,PLATE", as
openalpr-us-crops) measures the readers alone, and their US state accuracy.

  --dataset DIR       the folder (required)
  --csv FILE          write one row per image (and reader) to FILE
  --limit N           only the first N images (sorted by name)
  --detector NAME     detector from models/manifest.yaml (default: the daemon's, plate-det-v1-text)
  --reader A[,B...]   reader(s); several run side by side on the same detections
                      (default ppocr-v4-rec,plate-rec-v8,plate-rec-v10: the PP-OCR
                      baseline, plate-rec-v8, and the default reader plate-rec-v10,
                      which reads v8's characters with a better state head)
  --long-side PX      PP-OCR detection long side (default 960, vision.detect_long_side)
  --plate-long-side PX  the trained plate detector's whole-frame long side (default 640,
                      vision.plate_long_side)
  --retry-long-side PX  its closer look at frames where nothing was read surely (default
                      800, vision.plate_retry_long_side; 0 or not above the plate long
                      side: none)
  --syntax NAME       the trained readers' prior over plate shapes (default
                      plate-syntax-us, vision.plate_syntax; none: the networks' votes alone)
  --holdout           crops folders: only the trained reader's held-out crops (the
                      ones scripts/train never trained on), for an honest figure
  --models-dir DIR    folder holding manifest.yaml (default: the bundled models/)`;

/** `alpr-edge eval`: the numbers behind every claim about the reader. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'measure detection recall, top-1/top-5 reads and timing on a labelled photo folder',
  help: HELP,
  async run(args, io) {
    const { values, switches: flags } = parseFlags(args, {
      values: [
        'dataset',
        'csv',
        'limit',
        'detector',
        'reader',
        'long-side',
        'plate-long-side',
        'retry-long-side',
        'models-dir',
        'syntax',
      ],
      switches: ['holdout'],
    });
    const dir = values.dataset;
    if (!dir) throw new Error('--dataset DIR is required (see alpr-edge eval --help)');
    if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new Error(`--dataset ${dir}: not a folder`);
    const limit = values.limit !== undefined ? positiveInt('limit', values.limit) : Infinity;
    const defaults = visionConfigSchema.parse(undefined);
    const longSide =
      values['long-side'] !== undefined ? positiveInt('long-side', values['long-side']) : defaults.detect_long_side;
    const plateSide =
      values['plate-long-side'] !== undefined
        ? positiveInt('plate-long-side', values['plate-long-side'])
        : defaults.plate_long_side;
    const retry = values['retry-long-side'];
    const retrySide =
      retry === undefined ? defaults.plate_retry_long_side : retry === '0' ? 0 : positiveInt('retry-long-side', retry);
    const manifest = await loadManifest(values['models-dir'] ?? defaultModelsDir());
    const detEntry = resolveModel(manifest, 'detector', values.detector ?? defaults.detector);
    const readerNames = [
      ...new Set(
        (values.reader ?? `ppocr-v4-rec,plate-rec-v8,${defaults.reader}`)
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      ),
    ];
    const readerEntries = readerNames.map((n) => resolveModel(manifest, 'reader', n));
    const syntaxName = values.syntax ?? defaults.plate_syntax;
    const syntaxEntry = resolveSyntax(manifest, syntaxName);
    for (const e of [detEntry, ...readerEntries]
      .flatMap((m) => [m, ...companionsOf(manifest, m)])
      .concat(syntaxEntry ?? []))
      await verifyModel(e);
    const opts = modelOptions(
      { detect_long_side: longSide, plate_long_side: plateSide, plate_retry_long_side: retrySide },
      manifest,
      syntaxEntry ? loadPlateSyntax(syntaxEntry.file) : undefined,
    );
    const detector = await buildDetector(detEntry, opts);
    const readers = await Promise.all(readerEntries.map((e) => buildReader(e, opts)));

    const images = (await loadDataset(dir))
      .filter((img) => !flags.has('holdout') || isHeldOut(img.name))
      .slice(0, limit);
    if (images.length === 0)
      throw new Error(
        `--dataset ${dir}: no labelled images (NAME.txt files or a groundtruth.csv)${flags.has('holdout') ? ' in the held-out split' : ''}`,
      );
    const csv = values.csv ? createWriteStream(values.csv) : null;
    csv?.write(`${csvHeader()}\n`);
    const bar = io.isTty
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: 'eval [{bar}] {value}/{total} images | {eta}s left' },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(images.length, 0);
    const { rows, summaries } = await runEval(images, detector, readers, (row, i) => {
      csv?.write(`${csvLine(row)}\n`);
      if (row.reader === readers[readers.length - 1]!.name) bar?.update(i + 1);
    });
    bar?.stop();
    if (csv)
      await new Promise<void>((resolve, reject) => csv.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const crops = images.every((img) => img.box === null);
    io.out(
      crops
        ? `dataset ${dir}: ${images.length} plate crops${flags.has('holdout') ? ' (held-out split)' : ''}, readers alone (each crop is its own detection)`
        : `dataset ${dir}: ${images.length} images, detector ${detEntry.name} (detect_long_side ${longSide} px, plate_long_side ${plateSide} px, plate_retry_long_side ${retrySide > plateSide ? `${retrySide} px` : 'off'}: each detector uses its own; plate_syntax ${syntaxName})`,
    );
    for (const s of summaries) {
      io.out(formatSummary(s));
      io.out('  commonest errors:');
      for (const e of errorSummary(rows.filter((r) => r.reader === s.reader)).slice(0, 8))
        io.out(`    ${String(e.count).padStart(3)}  ${e.kind}: ${e.examples.join(', ')}`);
    }
    if (values.csv) io.out(`per-image rows: ${values.csv}`);
    return 0;
  },
};

export function formatSummary(s: EvalSummary): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  const ms = (m: { median: number; p90: number }) => `median ${m.median.toFixed(0)} ms, p90 ${m.p90.toFixed(0)} ms`;
  return [
    `reader ${s.reader}:`,
    `  detection recall ${pct(s.detectionRecall)}   top-1 ${pct(s.top1)}   top-5 ${pct(s.top5)}` +
      (Number.isNaN(s.stateAccuracy)
        ? ''
        : `   state ${pct(s.stateAccuracy)} (a state given for ${pct(s.stateAnswered)})`),
    `  detect ${ms(s.detectMs)}; read ${ms(s.readMs)}; total ${ms(s.totalMs)}`,
  ].join('\n');
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} ${v}: expected a positive whole number`);
  return n;
}
