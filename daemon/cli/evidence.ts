import { systemClock } from '../shared/clock.js';
import { COMMON_HELP, governed, purposeFrom } from '../access/cli-support.js';
import { exportEvidence } from '../access/evidence.js';
import { verifyPackage } from '../evidence/package.js';
import type { CliCommand } from './command.js';

const HELP = `usage: alpr-edge evidence export --case N --to DIR [--purpose CAT] [--user NAME]
       alpr-edge evidence verify DIR

export: writes the data an active evidence hold of case N keeps (policy 424.4: "downloaded onto
portable media and booked into evidence") as a folder DIR/alpr-evidence-<case>-<time>/ holding
reads.json/.csv, hits.json/.csv, crops/<read>.jpg, holds.json, releases.json, the case's audit
entries (audit.json), and manifest.json: the SHA-256 and size of every file, who exported it,
when and why, with manifest.sha256 beside it. The folder is written under a hidden ".partial"
name and renamed only when complete. DIR must exist (mount the drive first), be writable and
have room; otherwise nothing is written and the refusal is audited. The purpose category is
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
    return governed(rest, io, { values: ['case', 'to', 'purpose'] }, ({ ctx, user, access, values }) => {
      if (!values.to) throw new Error('give the target folder on the evidence drive: --to DIR');
      const r = exportEvidence(
        { db: ctx.db, clock: systemClock, access, unitId: ctx.unitId, agency: ctx.agency },
        user,
        purposeFrom(values, 'criminal_investigation'),
        values.to,
      );
      io.out(
        `exported case ${values.case}: ${r.reads} read(s), ${r.hits} hit(s), ${r.crops} crop(s)\n  ${r.dir}\n  manifest SHA-256 ${r.manifestSha256}\nCheck it with: alpr-edge evidence verify ${r.dir}`,
      );
      return 0;
    });
  },
};
