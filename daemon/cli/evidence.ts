import { lstatSync, readFileSync, renameSync, rmSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageFile } from '../evidence/package.js';
import { isSealed, MIN_PASSPHRASE, openSealed, WrongPassphraseError } from '../evidence/sealed.js';
import { readPublicKey } from '../evidence/unit-key.js';
import { contentsOf, type PackageContents, pathProblem, readPackageFolder, verifyPackage } from '../evidence/verify.js';
import type { CliCommand, CliIo } from './command.js';
import { parseFlags } from './flags.js';
import { COMMON_HELP } from './format.js';
import { makeNewDir, writeNewFile } from './output-file.js';
import { purposeFlags, SESSION_FLAGS, withSession } from './session.js';

const HELP = `usage: alpr-edge evidence export --case N --to DIR [--purpose CAT] [--plain --reason TEXT] [--user NAME]
       alpr-edge evidence verify PKG --pubkey FILE [--expect SHA256]
       alpr-edge evidence decrypt PKG.alpr-evidence --to DIR

export: writes the data an active evidence hold of case N keeps (policy 424.4: "downloaded onto
portable media and booked into evidence") as a package: reads.json/.csv, hits.json/.csv,
crops/<read>.jpg, holds.json, releases.json, the case's audit entries (audit.json), and
manifest.json (the SHA-256 and size of every file, who exported it, when and why, the unit and
its key's fingerprint), signed by the unit key (manifest.sig). The manifest's SHA-256 goes into
the audit log. By default the package is encrypted (AES-256-GCM, key derived with scrypt from a
passphrase you type twice, at least ${MIN_PASSPHRASE} characters, not echoed) into ONE file,
DIR/alpr-evidence-<case>-<time>.alpr-evidence: keep the passphrase apart from the media.
--plain --reason TEXT writes a plain folder instead; the reason is recorded in the audit log.
Files are new (mode 0600, folders 0700), written as you under a hidden ".partial" name and
renamed when complete: DIR must exist, be writable by you and have room; an existing file or
link in the way is refused. The purpose is criminal_investigation unless --purpose says otherwise.

verify: checks a package (folder or encrypted file; asks the passphrase for the latter) against
the unit's public key (--pubkey FILE, from alpr-edge unit key): the manifest's signature, every
file's SHA-256, that no manifest path is absolute or leaves the package, that nothing is a link,
missing or added; with --expect, that the manifest's SHA-256 is the one the audit log recorded
at export. It needs no login and no daemon, so the evidence custodian or a court can run it on
any machine with alpr-edge. Exit 0 when intact, 1 with the reasons when not.

decrypt: writes the plain package folder of an encrypted one into DIR (asks the passphrase).

${COMMON_HELP}`;

export const evidenceCommand: CliCommand = {
  name: 'evidence',
  summary: 'export a case as a signed, encrypted package; verify or decrypt a package',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action === 'verify') return verify(rest, io);
    if (action === 'decrypt') return decrypt(rest, io);
    if (action !== 'export') throw new Error(`unknown action "${action ?? ''}" (see alpr-edge evidence --help)`);
    const known = { values: ['case', 'to', 'purpose', 'reason'], switches: ['plain'] };
    // Checked before the password prompt: a wrong combination costs no login.
    const early = parseFlags(rest, { values: [...SESSION_FLAGS, ...known.values], switches: known.switches });
    const plain = early.switches.has('plain');
    if (plain && !early.values.reason?.trim())
      throw new Error('--plain needs --reason TEXT: why the package may leave unencrypted (it is audited)');
    if (!plain && early.values.reason !== undefined) throw new Error('--reason goes with --plain');
    const target = early.values.to;
    if (!target) throw new Error('give the target folder on the evidence drive: --to DIR');
    checkTargetDir(target);
    return withSession(rest, io, known, async ({ api, values }) => {
      const passphrase = plain ? undefined : await newPassphrase(io);
      const r = await api.call('exportEvidence', {
        ...purposeFlags(values),
        destination: target,
        ...(passphrase === undefined ? { plain_reason: values.reason } : { passphrase }),
      });
      const files = r.files.map((f) => ({ path: f.path, data: Buffer.from(f.data_base64, 'base64') }));
      let out: string;
      try {
        out = r.encrypted ? writeSealedFile(target, r.name, files[0]!.data) : writeFolder(target, r.name, files);
      } catch (err) {
        // The audit log must say the package was not written (424.5(b)), and why.
        const error = (err as Error).message;
        try {
          await api.call('reportEvidenceWritten', { export_id: r.export_id, ok: false, error: error.slice(0, 2000) });
        } catch (reportErr) {
          throw new Error(
            `${error}; and the daemon did not record the failure either: ${(reportErr as Error).message}`,
          );
        }
        throw err;
      }
      let unrecorded: string | undefined;
      try {
        await api.call('reportEvidenceWritten', {
          export_id: r.export_id,
          ok: true,
          dir: out,
          manifest_sha256: r.manifest_sha256,
        });
      } catch (reportErr) {
        unrecorded = (reportErr as Error).message;
      }
      io.out(
        [
          `exported case ${values.case}: ${r.reads} read(s), ${r.hits} hit(s), ${r.crops} crop(s)`,
          `  ${out}`,
          r.encrypted
            ? '  encrypted (AES-256-GCM): keep the passphrase apart from the media'
            : `  NOT encrypted (audited reason: ${values.reason})`,
          `  manifest SHA-256 ${r.manifest_sha256} (also in the audit log)`,
          `  signed by unit key SHA-256 ${r.unit_key_sha256}`,
          `  export id ${r.export_id} (name it in a release: alpr-edge releases add --export ${r.export_id} …)`,
          `Check it with: alpr-edge evidence verify ${out} --pubkey UNIT_KEY.pem --expect ${r.manifest_sha256}`,
        ].join('\n'),
      );
      if (unrecorded === undefined) return 0;
      io.err(`the package is written, but the audit log does not confirm it: ${unrecorded}`);
      return 1;
    });
  },
};

async function newPassphrase(io: CliIo): Promise<string> {
  const first = await io.promptSecret(`Passphrase for the package (at least ${MIN_PASSPHRASE} characters): `);
  if (first.length < MIN_PASSPHRASE)
    throw new Error(`the passphrase must be at least ${MIN_PASSPHRASE} characters; nothing was exported`);
  const again = await io.promptSecret('The same passphrase again: ');
  if (again !== first) throw new Error('the two passphrases differ; nothing was exported');
  return first;
}

/** A package folder, or the contents of an encrypted package (after the passphrase). */
async function readPackage(pkg: string, io: CliIo): Promise<PackageContents> {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(pkg);
  } catch {
    throw new Error(`${pkg} does not exist`);
  }
  if (st.isDirectory()) return readPackageFolder(pkg);
  const files = await decryptFile(pkg, io);
  return contentsOf(files);
}

async function decryptFile(file: string, io: CliIo): Promise<PackageFile[]> {
  const buf = readFileSync(file);
  if (!isSealed(buf)) throw new Error(`${file} is neither a package folder nor an encrypted package`);
  const passphrase = await io.promptSecret(`Passphrase for ${file}: `);
  return (await openSealed(buf, passphrase)).files;
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values, positional } = parseFlags(args, { values: ['pubkey', 'expect'] });
  const pkg = positional[0];
  if (!pkg) throw new Error('give the package: alpr-edge evidence verify PKG --pubkey FILE');
  if (!values.pubkey) throw new Error("give the unit's public key: --pubkey FILE (alpr-edge unit key prints it)");
  if (values.expect !== undefined && !/^[0-9a-fA-F]{64}$/.test(values.expect))
    throw new Error('--expect takes the manifest SHA-256 the audit log recorded: 64 hex digits');
  const publicKey = readPublicKey(values.pubkey);
  let contents: PackageContents;
  try {
    contents = await readPackage(pkg, io);
  } catch (err) {
    if (!(err instanceof WrongPassphraseError)) throw err;
    io.err(`${pkg}: NOT VERIFIED: ${err.message}`);
    return 1;
  }
  const v = verifyPackage(contents, { publicKey, ...(values.expect ? { expect: values.expect } : {}) });
  if (v.ok) {
    const m = v.manifest!;
    io.out(
      `${pkg}: intact — signed by unit ${m.unit_id} (key SHA-256 ${m.unit_key_sha256}); ${m.files.length} files match the manifest (case ${m.case_number}, exported ${m.exported_at} by ${m.exported_by.username})`,
    );
    io.out(`  manifest SHA-256 ${v.manifestSha256}${values.expect ? ' (as the audit log recorded)' : ''}`);
    return 0;
  }
  io.err(`${pkg}: NOT INTACT`);
  for (const p of v.problems) io.err(`  ${p}`);
  return 1;
}

async function decrypt(args: string[], io: CliIo): Promise<number> {
  const { values, positional } = parseFlags(args, { values: ['to'] });
  const file = positional[0];
  if (!file || !values.to) throw new Error('give the package and a folder: alpr-edge evidence decrypt PKG --to DIR');
  checkTargetDir(values.to);
  const buf = readFileSync(file);
  if (!isSealed(buf)) throw new Error(`${file} is not an encrypted evidence package`);
  const opened = await openSealed(buf, await io.promptSecret(`Passphrase for ${file}: `));
  if (pathProblem(opened.name) || opened.name.includes('/'))
    throw new Error(`${file} names its folder ${JSON.stringify(opened.name)}: not a plain folder name`);
  const dir = writeFolder(values.to, opened.name, opened.files);
  io.out(`decrypted ${file}\n  ${dir}\nCheck it with: alpr-edge evidence verify ${dir} --pubkey UNIT_KEY.pem`);
  return 0;
}

function checkTargetDir(target: string): void {
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new Error(`export target ${target} does not exist: mount the evidence drive and give its folder`);
  }
  if (!isDir) throw new Error(`export target ${target} is not a folder`);
}

function checkRoom(target: string, bytes: number): void {
  const fs = statfsSync(target);
  const free = fs.bavail * fs.bsize;
  if (free < bytes)
    throw new Error(
      `export target ${target} is too small: the package needs about ${(bytes / 1048576).toFixed(1)} MiB and ${(free / 1048576).toFixed(1)} MiB is free`,
    );
}

/** Writes the encrypted package as one new file (0600), under a hidden ".partial" name first. */
function writeSealedFile(target: string, name: string, data: Buffer): string {
  if (pathProblem(name) || name.includes('/'))
    throw new Error(`the daemon sent a file outside the package (${name}); nothing was kept`);
  checkRoom(target, data.length + 4096);
  const final = join(target, name);
  const partial = join(target, `.${name}.partial`);
  if (exists(final)) throw new Error(`${final} already exists: refusing to write over it`);
  writeNewFile(partial, data);
  try {
    if (exists(final)) throw new Error(`${final} already exists: refusing to write over it`);
    renameSync(partial, final);
    return final;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/**
 * Writes a plain package under a hidden ".partial" name, each file new (0600, O_EXCL, no symlinks
 * followed) in new folders (0700), then renames it: a pulled drive never leaves something that
 * looks finished.
 */
function writeFolder(target: string, name: string, files: PackageFile[]): string {
  checkRoom(
    target,
    files.reduce((n, f) => n + f.data.length + 4096, 0),
  );
  const final = join(target, name);
  const partial = join(target, `.${name}.partial`);
  if (exists(final)) throw new Error(`${final} already exists: refusing to write over it`);
  makeNewDir(partial);
  try {
    const dirs = new Set<string>();
    for (const f of files) {
      if (pathProblem(f.path)) throw new Error(`the package holds a file outside it (${f.path}); nothing was kept`);
      const parts = f.path.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (dirs.has(d)) continue;
        makeNewDir(join(partial, d));
        dirs.add(d);
      }
      writeNewFile(join(partial, f.path), f.data);
    }
    if (exists(final)) throw new Error(`${final} already exists: refusing to write over it`);
    renameSync(partial, final);
    return final;
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    const code = (err as { code?: string }).code;
    if (code === 'ENOSPC') throw new Error(`export target ${target} ran out of space; nothing was left behind`);
    throw err;
  }
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
