import { createHash } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Evidence packages on portable media (policy 424.4: "downloaded from the server onto portable
 * media and booked into evidence"). A package is a folder of plain files anyone can open (JSON,
 * CSV, JPEG) plus `manifest.json` (SHA-256 and size of every file, who exported it, when and why,
 * the unit and its key's fingerprint) and `manifest.sig` (the unit key's Ed25519 signature over
 * the manifest's exact bytes, base64); the manifest's SHA-256 is kept in the unit's audit log. It is written
 * under a `.partial` name and renamed only when complete, so a pulled drive or power cut never
 * leaves something that looks like a finished package.
 */
export const PACKAGE_FORMAT = 'alpr-edge-evidence/2';
export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';

export interface PackageFile {
  path: string;
  data: Buffer | string;
}

export interface ManifestEntry {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: string;
  case_number: string;
  unit_id: string;
  agency: string;
  exported_by: { username: string; full_name: string; role: string };
  exported_at: string;
  purpose: { category: string; case_number: string };
  audit_seq: number;
  counts: Record<string, number>;
  /** SHA-256 of the signing key's public DER bytes (see unit-key.ts). */
  unit_key_sha256: string;
  files: ManifestEntry[];
}

/** Signs the manifest's bytes (the unit key). */
export type ManifestSigner = (manifest: Buffer) => Buffer;

/** Free bytes on the file system holding `dir` (a port, so tests can simulate a full drive). */
export type FreeSpace = (dir: string) => number;
export const statfsFreeSpace: FreeSpace = (dir) => {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
};

/** Throws a clear Error when `dir` is missing, not a folder, read-only, or has less than `needBytes` free. */
export function checkTarget(dir: string, needBytes: number, freeSpace: FreeSpace = statfsFreeSpace): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch {
    throw new Error(`export target ${dir} does not exist: mount the evidence drive and give its folder`);
  }
  if (!st.isDirectory()) throw new Error(`export target ${dir} is not a folder`);
  // access() alone passes for root on a read-only mount; creating a file does not.
  const probe = join(dir, `.alpr-write-test-${process.pid}`);
  try {
    accessSync(dir, constants.W_OK);
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch {
    throw new Error(`export target ${dir} is read-only: check the drive's write-protect switch or mount options`);
  }
  const free = freeSpace(dir);
  if (free < needBytes) {
    throw new Error(
      `export target ${dir} is too small: the package needs about ${mib(needBytes)} and ${mib(free)} is free`,
    );
  }
}

/** Writes the files and manifest into `<target>/<name>.partial`, syncs them, then renames to `<target>/<name>`. */
export function writePackage(
  target: string,
  name: string,
  files: PackageFile[],
  manifestBase: Omit<Manifest, 'files'>,
  sign: ManifestSigner,
): { dir: string; manifestSha256: string } {
  const partial = join(target, `.${name}.partial`);
  const final = join(target, name);
  try {
    mkdirSync(partial, { recursive: false });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
      throw new Error(`export target ${target} is read-only (${code})`);
    throw err;
  }
  try {
    const entries: ManifestEntry[] = [];
    for (const f of files) {
      const buf = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data;
      writeSynced(join(partial, f.path), buf);
      entries.push({ path: f.path, bytes: buf.length, sha256: sha256(buf) });
    }
    const manifest = Buffer.from(`${JSON.stringify({ ...manifestBase, files: entries }, null, 2)}\n`);
    writeSynced(join(partial, MANIFEST), manifest);
    writeSynced(join(partial, SIGNATURE), Buffer.from(`${sign(manifest).toString('base64')}\n`));
    const manifestSha256 = sha256(manifest);
    renameSync(partial, final);
    return { dir: final, manifestSha256 };
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    const code = (err as { code?: string }).code;
    if (code === 'ENOSPC') throw new Error(`export target ${target} ran out of space; nothing was left behind`);
    throw err;
  }
}

export function sha256(buf: Buffer | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** RFC 4180 CSV with a header row. */
export function toCsv(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}

function writeSynced(file: string, buf: Buffer): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const fd = openSync(file, 'wx');
  try {
    writeSync(fd, buf);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}
