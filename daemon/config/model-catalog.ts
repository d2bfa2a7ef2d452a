import { loadManifestSync } from '../vision/manifest.js';
import { detectorFactories, readerFactories } from '../vision/model-registry.js';
import type { ModelCatalog, ModelChoices } from './model-names.js';

/**
 * The models a config may name: the entries of `vision.models_dir`'s manifest.yaml (the bundled
 * models/ when empty) that daemon/vision/model-registry.ts has code for. Reads the manifest only;
 * the model files and their checksums are checked when the daemon starts.
 */
export const manifestModelCatalog: ModelCatalog = {
  choices(modelsDir: string): ModelChoices {
    const manifest = loadManifestSync(modelsDir);
    const kinds = new Map([...manifest.models].map(([name, e]) => [name, e.kind] as const));
    const runnable = (kind: 'detector' | 'reader', factories: Record<string, unknown>) =>
      [...kinds].filter(([name, k]) => k === kind && Object.hasOwn(factories, name)).map(([name]) => name);
    return {
      manifest: manifest.path,
      kinds,
      detector: runnable('detector', detectorFactories),
      reader: runnable('reader', readerFactories),
      syntax: [...kinds].filter(([, k]) => k === 'syntax').map(([name]) => name),
    };
  },
};
