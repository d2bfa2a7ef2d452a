import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/** Runs `fn` with a fresh temporary folder, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A copy of a model file in `dir` with one byte in the middle flipped (its checksum no longer matches). */
export async function tamperedCopy(file: string, dir: string): Promise<string> {
  const bad = join(dir, basename(file));
  await copyFile(file, bad);
  const bytes = await readFile(bad);
  const mid = bytes.length >> 1;
  bytes[mid] = bytes[mid]! ^ 0xff;
  await writeFile(bad, bytes);
  return bad;
}

/**
 * Runs `body` in a plain Node process (tsx loader): under jest, onnxruntime-node cannot run in
 * the test's VM realm (its output Float32Array fails onnxruntime-common's instanceof check).
 * `module` (a path) is imported under the name `as`, and `entry` is the bundled manifest's entry
 * named `modelName`; `body` prints one JSON line, which is returned parsed.
 */
export function inNode(imp: { module: string; as: string }, modelName: string, body: string): unknown {
  const manifestModule = resolve(import.meta.dirname, '../../daemon/vision/manifest.ts');
  const code = `
    const ${imp.as} = await import(${JSON.stringify(imp.module)});
    const manifest = await import(${JSON.stringify(manifestModule)});
    const entry = (await manifest.loadManifest()).models.get(${JSON.stringify(modelName)});
    ${body}`;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 20000,
  });
  if (res.status !== 0) throw new Error(`child failed (${res.status}): ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!);
}
