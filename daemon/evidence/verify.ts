import type { KeyObject } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MANIFEST, type Manifest, PACKAGE_FORMAT, type PackageFile, SIGNATURE, sha256 } from './package.js';
import { keyFingerprint, verifySignature } from './unit-key.js';

/**
 * What `alpr-edge evidence verify` checks, on a package folder or a decrypted package alike:
 * only the package's own plain files are ever read (found by walking it, links never followed),
 * so a manifest path cannot make verify read anything outside the package.
 */
export interface PackageContents {
  /** Plain files by their '/'-separated path inside the package. */
  files: Map<string, Buffer>;
  /** What a package may not hold, found while reading it: links, devices, paths that leave it. */
  oddities: string[];
}

export interface PackageCheck {
  ok: boolean;
  problems: string[];
  manifest?: Manifest;
  manifestSha256?: string;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex');
const manifestSchema = z.object({
  format: z.string(),
  case_number: z.string(),
  unit_id: z.string(),
  agency: z.string(),
  exported_by: z.object({ username: z.string(), full_name: z.string(), role: z.string() }),
  exported_at: z.string(),
  purpose: z.object({ category: z.string(), case_number: z.string() }),
  audit_seq: z.number().int(),
  counts: z.record(z.string(), z.number()),
  unit_key_sha256: hex64,
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().min(0), sha256: hex64 })),
});

/** Why a path may not be in a package, or undefined when it is a plain relative path. */
export function pathProblem(p: string): string | undefined {
  if (p === '') return 'an empty path';
  if (p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p)) return 'an absolute path';
  if (p.includes('\\') || p.includes('\0')) return 'not a plain relative path';
  const parts = p.split('/');
  if (parts.includes('..')) return 'a path that leaves the package';
  if (parts.some((s) => s === '' || s === '.')) return 'not a plain relative path';
  return undefined;
}

/** Reads a package folder: its plain files; links and other special files are named, never followed. */
export function readPackageFolder(dir: string): PackageContents {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new Error(`${dir} does not exist`);
  }
  if (!isDir) throw new Error(`${dir} is neither a package folder nor an encrypted package`);
  const out: PackageContents = { files: new Map(), oddities: [] };
  walk(dir, '', out);
  return out;
}

function walk(dir: string, prefix: string, out: PackageContents): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    const abs = join(dir, e.name);
    if (e.isDirectory()) walk(abs, `${rel}/`, out);
    else if (e.isSymbolicLink())
      out.oddities.push(`${rel}: a symbolic link (a package holds only plain files; not followed)`);
    else if (!e.isFile()) out.oddities.push(`${rel}: not a plain file`);
    else out.files.set(rel, readNoFollow(abs));
  }
}

function readNoFollow(file: string): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${file} is not a plain file`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The files of a decrypted package; a path that is not plain and relative is named, and left out. */
export function contentsOf(files: PackageFile[]): PackageContents {
  const out: PackageContents = { files: new Map(), oddities: [] };
  for (const f of files) {
    const why = pathProblem(f.path);
    if (why) out.oddities.push(`the encrypted package holds ${JSON.stringify(f.path)}: ${why}`);
    else out.files.set(f.path, typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data);
  }
  return out;
}

/** The first problem of a value that is not a manifest, in one line. */
function shapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return `${MANIFEST}: not a manifest: it holds ${what}, not an object`;
  }
  const r = manifestSchema.safeParse(value);
  if (r.success) return undefined;
  const i = r.error.issues[0]!;
  return `${MANIFEST}: not a manifest: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`;
}

function short(fp: string): string {
  return `${fp.slice(0, 16)}…`;
}

/**
 * Checks a package against the unit's public key: the manifest's signature, every listed file's
 * size and SHA-256, that every path is plain, relative and inside the package, that nothing was
 * added, and, with `expect`, that the manifest's SHA-256 is the one the audit log recorded.
 */
export function verifyPackage(pkg: PackageContents, opts: { publicKey: KeyObject; expect?: string }): PackageCheck {
  const problems: string[] = [];
  const manifestBuf = pkg.files.get(MANIFEST);
  if (!manifestBuf)
    return {
      ok: false,
      problems: [`${MANIFEST}: missing (not an evidence package, or an unfinished one)`, ...pkg.oddities],
    };
  const manifestSha256 = sha256(manifestBuf);
  let value: unknown;
  let json = true;
  try {
    value = JSON.parse(manifestBuf.toString('utf8'));
  } catch {
    json = false;
  }
  const claimed = (value as { unit_key_sha256?: unknown } | null)?.unit_key_sha256;
  const sigText = pkg.files.get(SIGNATURE)?.toString('utf8').trim();
  const sig = sigText !== undefined && /^[A-Za-z0-9+/]+={0,2}$/.test(sigText) ? Buffer.from(sigText, 'base64') : null;
  if (sigText === undefined) problems.push(`${SIGNATURE}: missing (the package is not signed)`);
  else if (sig?.length !== 64) problems.push(`${SIGNATURE}: not an Ed25519 signature`);
  else if (!verifySignature(opts.publicKey, manifestBuf, sig)) {
    const fp = keyFingerprint(opts.publicKey);
    problems.push(
      typeof claimed === 'string' && claimed !== fp
        ? `${SIGNATURE}: signed by another key (the manifest names key ${short(claimed)}, the public key given is ${short(fp)}): not this unit's package, or a forgery`
        : `${SIGNATURE}: the signature does not verify with this public key: ${MANIFEST} was changed after the unit signed it, or another key signed it`,
    );
  }
  if (opts.expect !== undefined && opts.expect.toLowerCase() !== manifestSha256)
    problems.push(
      `${MANIFEST}: its SHA-256 is ${manifestSha256}, not ${opts.expect.toLowerCase()}, the one the audit log recorded at export (--expect)`,
    );
  if (!json) return { ok: false, problems: [...problems, `${MANIFEST}: not valid JSON`, ...pkg.oddities] };
  const shape = shapeProblem(value);
  if (shape) return { ok: false, problems: [...problems, shape, ...pkg.oddities] };
  const manifest = value as Manifest;
  if (manifest.format !== PACKAGE_FORMAT)
    problems.push(`${MANIFEST}: unknown format "${manifest.format}" (this version reads ${PACKAGE_FORMAT})`);
  const listed = new Set<string>();
  for (const f of manifest.files) {
    const why = pathProblem(f.path);
    if (why) {
      problems.push(
        `${MANIFEST} lists ${JSON.stringify(f.path)}: ${why} (refused; nothing outside the package is read)`,
      );
      continue;
    }
    if (listed.has(f.path)) {
      problems.push(`${MANIFEST} lists ${f.path} twice`);
      continue;
    }
    listed.add(f.path);
    const buf = f.path === MANIFEST || f.path === SIGNATURE ? undefined : pkg.files.get(f.path);
    if (!buf) problems.push(`${f.path}: missing`);
    else if (buf.length !== f.bytes || sha256(buf) !== f.sha256)
      problems.push(`${f.path}: changed (SHA-256 does not match the manifest)`);
  }
  for (const p of pkg.files.keys()) {
    if (p !== MANIFEST && p !== SIGNATURE && !listed.has(p))
      problems.push(`${p}: not in the manifest (added after export)`);
  }
  problems.push(...pkg.oddities);
  return { ok: problems.length === 0, problems, manifest, manifestSha256 };
}
