import { readFile } from 'node:fs/promises';
import { ConfigError, ModelError } from '../shared/errors.js';
import type { Manifest, ModelEntry } from './manifest.js';
import type { VisionConfig } from './config.js';
import type { PlateDetector, PlateReader } from './ports.js';
import { openSession } from './onnx-session.js';
import { PpocrDetector } from './ppocr-detector.js';
import { CoarseFineDetector } from './coarse-fine-detector.js';
import { PpocrReader } from './ppocr-reader.js';
import { createPlateRecReader } from './plate-rec-reader.js';
import { createPlateDetDetector, defaultPlateDetOptions } from './plate-det-detector.js';
import { loadPlateSyntax, type PlateSyntax } from './plate-syntax.js';
import {
  PlateThenTextDetector,
  ZOOM_LONG_SIDE,
  defaultPlateThenTextOptions,
  zoomBelowFor,
} from './plate-text-detector.js';

/** What a factory may use besides its manifest entry. */
export interface ModelOptions {
  /** config `vision.detect_long_side` (PP-OCR detection). */
  detectLongSide: number;
  /** config `vision.plate_long_side` (the trained plate detector's whole-frame pass). */
  plateLongSide: number;
  /** config `vision.plate_retry_long_side` (the plate detector's closer look when nothing was read surely; none unless larger than plateLongSide). */
  plateRetryLongSide: number;
  /** The manifest the entry came from, for a model that also runs another entry's file. */
  manifest?: Manifest;
  /** config `vision.plate_syntax`, loaded (resolveSyntax, loadPlateSyntax): the trained readers' prior over plate shapes. */
  syntax?: PlateSyntax;
}

/** The factories' options from a vision config's sizes (and the manifest, for companions). */
export function modelOptions(
  vision: Pick<VisionConfig, 'detect_long_side' | 'plate_long_side' | 'plate_retry_long_side'>,
  manifest?: Manifest,
  syntax?: PlateSyntax,
): ModelOptions {
  return {
    detectLongSide: vision.detect_long_side,
    plateLongSide: vision.plate_long_side,
    plateRetryLongSide: vision.plate_retry_long_side,
    manifest,
    syntax,
  };
}

/** plate-det-v1's whole-frame pass at the configured size. */
const plateDet = (entry: ModelEntry, opts: ModelOptions) =>
  createPlateDetDetector(entry, { ...defaultPlateDetOptions, longSide: opts.plateLongSide });

export type DetectorFactory = (entry: ModelEntry, opts: ModelOptions) => Promise<PlateDetector>;
export type ReaderFactory = (entry: ModelEntry, opts: ModelOptions) => Promise<PlateReader>;

/**
 * Model name (a key of models/manifest.yaml) → code that builds it. Explicit on purpose: no
 * scanning, no magic names; config `vision.detector` / `vision.reader` pick an entry here.
 *
 * To add a model (e.g. a trained plate reader):
 *   1. add its entry (file, sha256, source, licence, input shape, labels) to models/manifest.yaml;
 *   2. add ONE line below, e.g.
 *        'plate-reader-v1': (entry, opts) => createPlateReaderV1(entry, opts),
 *      where the function (in its own file in daemon/vision/) opens the session with
 *      `openSession(entry.file, entry.name)` and returns a PlateReader.
 * Checksums are verified before any factory runs (createFrameAnalyzer), so factories may trust
 * their files.
 */
export const detectorFactories: Record<string, DetectorFactory> = {
  'ppocr-v4-det': async (entry, opts) =>
    new PpocrDetector(
      entry.name,
      await openSession(entry.file, entry.name),
      PpocrDetector.defaults(opts.detectLongSide),
    ),
  // The same network, run on the whole frame at 640 px plus full-resolution windows where the
  // edge pre-filter sees plate-like strokes (sets its own scales; detect_long_side is not used).
  'ppocr-v4-det-windows': async (entry) =>
    new CoarseFineDetector(entry.name, await openSession(entry.file, entry.name), CoarseFineDetector.defaults()),
  'plate-det-v1': plateDet,
  // plate-det-v1 on the whole frame (and again at ZOOM_LONG_SIDE around small plates), then PP-OCR text
  // detection (ppocr-v4-det's file, at 192 px) only around each plate box, for the character line
  // the reader reads best; when nothing was read surely, plate-det-v1 again at plate_retry_long_side.
  'plate-det-v1-text': async (entry, opts) => {
    const [text] = companionsOf(opts.manifest, entry);
    if (!text)
      throw new ModelError(`model "${entry.name}" also runs ppocr-v4-det: its manifest must be passed to the registry`);
    const plates = await plateDet(entry, opts);
    const lines = new PpocrDetector(text.name, await openSession(text.file, text.name), PpocrDetector.defaults(192));
    const o = {
      ...defaultPlateThenTextOptions,
      zoomBelow: zoomBelowFor(opts.plateLongSide, defaultPlateThenTextOptions.zoomPad),
    };
    const closer =
      opts.plateRetryLongSide > opts.plateLongSide
        ? plates.withOptions({ longSide: opts.plateRetryLongSide })
        : undefined;
    return new PlateThenTextDetector(
      entry.name,
      plates,
      lines,
      o,
      plates.withOptions({ longSide: ZOOM_LONG_SIDE }),
      closer,
    );
  },
};

export const readerFactories: Record<string, ReaderFactory> = {
  'ppocr-v4-rec': async (entry) =>
    new PpocrReader(entry.name, await openSession(entry.file, entry.name), await readDictionary(entry)),
  'plate-rec-v1': (entry, opts) => createPlateRecReader(entry, undefined, [], opts.syntax),
  'plate-rec-v2': (entry, opts) => createPlateRecReader(entry, undefined, [], opts.syntax),
  'plate-rec-v3': (entry, opts) => createPlateRecReader(entry, undefined, [], opts.syntax),
  // The mean of plate-rec-v2's and plate-rec-v3's weights (scripts/train/average.py): one network, v3's cost.
  'plate-rec-v8': (entry, opts) => createPlateRecReader(entry, undefined, [], opts.syntax),
  // plate-rec-v8 with its state head refitted alone on v8's frozen trunk (scripts/train/state_head.py): v8's characters, the state more often.
  'plate-rec-v10': (entry, opts) => createPlateRecReader(entry, undefined, [], opts.syntax),
  // plate-rec-v2 reads; plate-rec-v1 (its companion) reads the same crops too when v2 is unsure, and they vote.
  'plate-rec-v2-pair': (entry, opts) =>
    createPlateRecReader(entry, undefined, companionsOf(opts.manifest, entry), opts.syntax),
  // plate-rec-v3 reads; plate-rec-v2 (its companion) reads the same crops too when v3 is unsure, and they vote.
  'plate-rec-v3-pair': (entry, opts) =>
    createPlateRecReader(entry, undefined, companionsOf(opts.manifest, entry), opts.syntax),
};

/** The manifest entry for a configured name, or a ConfigError naming the key and the choices. */
export function resolveModel(manifest: Manifest, kind: 'detector' | 'reader', name: string): ModelEntry {
  const factories = kind === 'detector' ? detectorFactories : readerFactories;
  const available = Object.keys(factories).filter((n) => manifest.models.get(n)?.kind === kind);
  const entry = manifest.models.get(name);
  if (!Object.hasOwn(factories, name) || !entry || entry.kind !== kind) {
    const why = !entry
      ? `not in ${manifest.path}`
      : entry.kind !== kind
        ? `is a ${entry.kind}, not a ${kind}`
        : 'has no code in daemon/vision/model-registry.ts';
    const msg = `vision.${kind}: unknown ${kind} "${name}" (${why}); available: ${available.join(', ') || '(none)'}`;
    throw new ConfigError(msg);
  }
  return entry;
}

/**
 * config `vision.plate_syntax`: its manifest entry (kind syntax), or null for "none"; an unknown
 * name is a ConfigError naming the choices. The file is checked (verifyModel) before it is loaded.
 */
export function resolveSyntax(manifest: Manifest, name: string): ModelEntry | null {
  if (name === 'none') return null;
  const entry = manifest.models.get(name);
  if (entry?.kind !== 'syntax') {
    const available = [...manifest.models.values()].filter((m) => m.kind === 'syntax').map((m) => m.name);
    const why = !entry ? `not in ${manifest.path}` : `is a ${entry.kind}, not a plate syntax`;
    throw new ConfigError(
      `vision.plate_syntax: unknown plate syntax "${name}" (${why}); available: ${[...available, 'none'].join(', ')}`,
    );
  }
  return entry;
}

/** resolveSyntax, then the file read (undefined for "none"); call verifyModel on the entry first where files are checked. */
export function loadSyntax(manifest: Manifest, name: string): PlateSyntax | undefined {
  const entry = resolveSyntax(manifest, name);
  return entry ? loadPlateSyntax(entry.file) : undefined;
}

export async function buildDetector(entry: ModelEntry, opts: ModelOptions): Promise<PlateDetector> {
  return detectorFactories[entry.name]!(entry, opts);
}

export async function buildReader(entry: ModelEntry, opts: ModelOptions): Promise<PlateReader> {
  return readerFactories[entry.name]!(entry, opts);
}

/** Other manifest entries whose files a model's code runs too (checked like the configured ones). */
const COMPANIONS: Record<string, string[]> = {
  'plate-det-v1-text': ['ppocr-v4-det'],
  'plate-rec-v2-pair': ['plate-rec-v1'],
  'plate-rec-v3-pair': ['plate-rec-v2'],
};

/** The entries `entry` also runs; a ModelError when the manifest lacks one. Empty without a manifest. */
export function companionsOf(manifest: Manifest | undefined, entry: ModelEntry): ModelEntry[] {
  if (!manifest) return [];
  return (COMPANIONS[entry.name] ?? []).map((name) => {
    const other = manifest.models.get(name);
    if (!other) throw new ModelError(`model "${entry.name}" also runs "${name}", which is not in ${manifest.path}`);
    return other;
  });
}

/** PaddleOCR dictionary: one symbol a line, model classes = blank + lines + space. */
async function readDictionary(entry: ModelEntry): Promise<string[]> {
  if (!entry.labels)
    throw new ModelError(`model "${entry.name}": the manifest gives no labels file (the CTC dictionary)`);
  const lines = (await readFile(entry.labels.file, 'utf8')).split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
