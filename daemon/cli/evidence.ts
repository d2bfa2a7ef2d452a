import { lstatSync, renameSync, rmSync, statfsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { verifyPackage } from '../evidence/package.js';
import type { ReplyOf } from '../api/contract.js';
import type { CliCommand } from './command.js';
import { COMMON_HELP } from './format.js';
import { makeNewDir, writeNewFile } from './output-file.js';
import { purposeFlags, withSession } from './session.js';

const HELP = `usage: alpr-edge evidence export --case N --to DIR [--purpose CAT] [--user NAME]
       alpr-edge evidence verify DIR

export: writes the data an active evidence hold of case N keeps (policy 424.4: "downloaded onto
portable media and booked into evidence") as a folder DIR/alpr-evidence-<case>-<time>/ holding
reads.json/.csv, hits.json/.csv, crops/<read>.jpg, holds.json, releases.json, the case's audit
entries (audit.json), and manifest.json: the SHA-256 and size of every file, who exported it,
when and why, with manifest.sha256 beside it. The folder is written under a hidden ".partial"
name and renamed only when complete. The daemon builds the package and this command writes it,
as you, into new files (mode 0600): DIR must exist (mount the drive first), be writable by you
and have room; an existing file or link in the way is refused, never overwritten. The purpose category is
criminal_investigation unless --purpose says otherwise (e.g. civil_action).

verify: re-hashes every file of a package and reports any file changed, missing or added, and
an edited manifest. It reads only the package (no login, no database), so the evidence
custodian or a court can run it on any machine with alpr-edge. Exit 0 when intact, 1 when not.

${COMMON_HELP}`;

export const evidenceCommand: CliCommand = {
  name: 'evidence',
  summary: 'export a case to portable media as a verifiable package; verify a package',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action === 'verify') {
      const dir = rest.find((a) => !a.startsWith('--'));
      if (!dir) throw new Error('give the package folder: alpr-edge evidence verify DIR');
      const v = verifyPackage(dir);
      if (v.ok) {
        io.out(
          `${dir}: intact — ${v.manifest!.files.length} files match the manifest (case ${v.manifest!.case_number}, exported ${v.manifest!.exported_at} by ${v.manifest!.exported_by.username})`,
        );
        return 0;
      }
      io.err(`${dir}: NOT INTACT`);
      for (const p of v.problems) io.err(`  ${p}`);
      return 1;
    }
    if (action !== 'export') throw new Error(`unknown action "${action ?? ''}" (see alpr-edge evidence --help)`);
    return withSession(rest, io, { values: ['case', 'to', 'purpose'] }, async ({ api, values }) => {
      const target = values.to;
      if (!target) throw new Error('give the target folder on the evidence drive: --to DIR');
      checkTargetDir(target);
      const r = await api.call('exportEvidence', { ...purposeFlags(values), destination: target });
      const dir = writeReceivedPackage(target, r);
      io.out(
        `exported case ${values.case}: ${r.reads} read(s), ${r.hits} hit(s), ${r.crops} crop(s)\n  ${dir}\n  manifest SHA-256 ${r.manifest_sha256}\nCheck it with: alpr-edge evidence verify ${dir}`,
      );
      return 0;
    });
  },
};

function checkTargetDir(target: string): void {
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new Error(`export target ${target} does not exist: mount the evidence drive and give its folder`);
  }
  if (!isDir) throw new Error(`export target ${target} is not a folder`);
}

/**
 * Writes the package the daemon built under a hidden ".partial" name, each file new (O_EXCL,
 * no symlinks followed), then renames it: a pulled drive never leaves something that looks finished.
 */
function writeReceivedPackage(target: string, pkg: ReplyOf<'exportEvidence'>): string {
  const bytes = pkg.files.reduce((n, f) => n + Math.ceil((f.data_base64.length * 3) / 4) + 4096, 0);
  const fs = statfsSync(target);
  const free = fs.bavail * fs.bsize;
  if (free < bytes)
    throw new Error(
      `export target ${target} is too small: the package needs about ${(bytes / 1048576).toFixed(1)} MiB and ${(free / 1048576).toFixed(1)} MiB is free`,
    );
  const final = join(target, pkg.name);
  const partial = join(target, `.${pkg.name}.partial`);
  if (exists(final)) throw new Error(`${final} already exists: refusing to write over it`);
  makeNewDir(partial);
  try {
    const dirs = new Set<string>();
    for (const f of pkg.files) {
      if (isAbsolute(f.path) || f.path.split(/[\\/]/).includes('..'))
        throw new Error(`the daemon sent a file outside the package (${f.path}); nothing was kept`);
      const sub = dirname(f.path);
      if (sub !== '.' && !dirs.has(sub)) {
        makeNewDir(join(partial, sub));
        dirs.add(sub);
      }
      writeNewFile(join(partial, f.path), Buffer.from(f.data_base64, 'base64'));
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
