import type { Logger } from '../shared/logger.js';
import type { VisionConfig } from './config.js';
import { defaultModelsDir, loadManifest, verifyModel } from './manifest.js';
import {
  buildDetector,
  buildReader,
  companionsOf,
  modelOptions,
  resolveModel,
  resolveSyntax,
} from './model-registry.js';
import { loadPlateSyntax } from './plate-syntax.js';
import { InProcessAnalyzer } from './in-process-analyzer.js';
import { SURE_READ, sureRead } from './frame-analysis.js';
import { WorkerPoolAnalyzer } from './worker-pool-analyzer.js';
import type { FrameAnalyzer } from './ports.js';

/**
 * Checks the configured models (known names: ConfigError; files present with the manifest's
 * SHA-256: ModelError), then starts `vision.workers` inference workers. For daemon/main.ts.
 * `minConfidence` is config pipeline.min_confidence: a frame none of whose reads reaches it (so
 * the pipeline would drop them all) gets the detector's closer look.
 */
export async function createFrameAnalyzer(
  vision: VisionConfig,
  log: Logger,
  minConfidence: number = SURE_READ.confidence,
): Promise<FrameAnalyzer & { start(): Promise<void> }> {
  const modelsDir = vision.models_dir || defaultModelsDir();
  await verifyConfigured(vision, modelsDir, log);
  const pool = new WorkerPoolAnalyzer(
    {
      workers: vision.workers,
      init: {
        modelsDir,
        detector: vision.detector,
        reader: vision.reader,
        detectLongSide: vision.detect_long_side,
        plateLongSide: vision.plate_long_side,
        plateRetryLongSide: vision.plate_retry_long_side,
        plateSyntax: vision.plate_syntax,
        minConfidence,
      },
    },
    log,
  );
  await pool.start();
  log.info(
    { workers: vision.workers, detector: vision.detector, reader: vision.reader, plateSyntax: vision.plate_syntax },
    'vision workers ready',
  );
  return pool;
}

/** The same models on the calling thread (eval, bench, tests), after the same checks. */
export async function createInProcessAnalyzer(
  vision: VisionConfig,
  log: Logger,
  minConfidence: number = SURE_READ.confidence,
): Promise<InProcessAnalyzer> {
  const modelsDir = vision.models_dir || defaultModelsDir();
  const { detector, reader, syntax, manifest } = await verifyConfigured(vision, modelsDir, log);
  const opts = modelOptions(vision, manifest, syntax ? loadPlateSyntax(syntax.file) : undefined);
  return new InProcessAnalyzer(
    await buildDetector(detector, opts),
    await buildReader(reader, opts),
    sureRead(minConfidence),
  );
}

async function verifyConfigured(vision: VisionConfig, modelsDir: string, log: Logger) {
  const manifest = await loadManifest(modelsDir);
  const detector = resolveModel(manifest, 'detector', vision.detector);
  const reader = resolveModel(manifest, 'reader', vision.reader);
  const syntax = resolveSyntax(manifest, vision.plate_syntax);
  for (const e of [
    detector,
    ...companionsOf(manifest, detector),
    reader,
    ...companionsOf(manifest, reader),
    ...(syntax ? [syntax] : []),
  ]) {
    await verifyModel(e);
    log.debug({ model: e.name, file: e.file, sha256: e.sha256 }, 'model checksum verified');
  }
  return { manifest, detector, reader, syntax };
}
