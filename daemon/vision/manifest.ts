import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { ModelError } from '../shared/errors.js';

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-digit lowercase hex SHA-256');

const tensorSchema = z
  .object({
    name: z.string().min(1),
    shape: z.array(z.number().int()).min(1).describe('-1 marks a dynamic dimension'),
    layout: z.string().optional(),
  })
  .strict();

const entrySchema = z
  .object({
    // syntax: a reader's prior over plate shapes (a JSON file of counts, no network; vision.plate_syntax).
    kind: z.enum(['detector', 'reader', 'syntax']),
    file: z.string().min(1),
    sha256: sha256Schema,
    source: z
      .object({ package: z.string().min(1), version: z.string().min(1), upstream: z.string().optional() })
      .strict(),
    licence: z.string().min(1),
    input: tensorSchema.optional(),
    output: tensorSchema.optional(),
    labels: z
      .object({ file: z.string().min(1), sha256: sha256Schema })
      .strict()
      .optional(),
    // Models the project trains itself record their output alphabet and how they were made.
    alphabet: z.string().optional(),
    training: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((e) => e.kind === 'syntax' || e.input !== undefined, {
    message: 'a detector or reader must give its input tensor',
    path: ['input'],
  });

const manifestSchema = z
  .object({ version: z.literal(1), models: z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/), entrySchema) })
  .strict();

/** One model as the manifest lists it, with `file` and `labels.file` resolved to absolute paths. */
export interface ModelEntry extends Omit<z.infer<typeof entrySchema>, 'labels'> {
  name: string;
  labels?: { file: string; sha256: string };
}

export interface Manifest {
  /** The manifest file itself, for messages. */
  path: string;
  models: Map<string, ModelEntry>;
}

/** The bundled models/ folder (the repository's, next to daemon/). */
export function defaultModelsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../models');
}

/** Reads and validates `DIR/manifest.yaml`; every problem is a ModelError naming the file and key. */
export async function loadManifest(modelsDir: string = defaultModelsDir()): Promise<Manifest> {
  const path = manifestPath(modelsDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelError(`model manifest ${path} cannot be read: ${(err as Error).message}`);
  }
  return parseManifest(text, path);
}

/** loadManifest on the calling thread, for the config check (names only; no model file is read). */
export function loadManifestSync(modelsDir: string = defaultModelsDir()): Manifest {
  const path = manifestPath(modelsDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ModelError(`model manifest ${path} cannot be read: ${(err as Error).message}`);
  }
  return parseManifest(text, path);
}

function manifestPath(modelsDir: string): string {
  return resolve(modelsDir || defaultModelsDir(), 'manifest.yaml');
}

function parseManifest(text: string, path: string): Manifest {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ModelError(`model manifest ${path} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${path} ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ModelError(`model manifest is invalid:\n  ${problems.join('\n  ')}`);
  }
  const base = dirname(path);
  const abs = (f: string) => (isAbsolute(f) ? f : resolve(base, f));
  const models = new Map<string, ModelEntry>();
  for (const [name, e] of Object.entries(parsed.data.models)) {
    models.set(name, {
      ...e,
      name,
      file: abs(e.file),
      ...(e.labels ? { labels: { file: abs(e.labels.file), sha256: e.labels.sha256 } } : {}),
    });
  }
  return { path, models };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Refuses a missing or altered model (or labels) file: a wrong file would read plates wrongly
 * and silently, which is worse than not starting. Throws ModelError with name, path, expected
 * and actual digest.
 */
export async function verifyModel(entry: ModelEntry): Promise<void> {
  const files = [{ what: 'model', file: entry.file, sha256: entry.sha256 }];
  if (entry.labels) files.push({ what: 'labels', file: entry.labels.file, sha256: entry.labels.sha256 });
  for (const f of files) {
    let actual: string;
    try {
      actual = await sha256File(f.file);
    } catch (err) {
      throw new ModelError(
        `model "${entry.name}": ${f.what} file ${f.file} is missing or unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
    if (actual !== f.sha256)
      throw new ModelError(
        `model "${entry.name}": ${f.what} file ${f.file} has SHA-256 ${actual}, expected ${f.sha256} (altered or wrong file; refusing to start)`,
      );
  }
}

/** Looks a model up by name and kind; a wrong name is a config problem, reported with the choices. */
export function pickModel(manifest: Manifest, name: string, kind: ModelEntry['kind']): ModelEntry | undefined {
  const e = manifest.models.get(name);
  return e && e.kind === kind ? e : undefined;
}
