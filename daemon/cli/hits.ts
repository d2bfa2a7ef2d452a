import { COMMON_HELP, governed, iso, parseTime, printTable, purposeFrom } from '../access/cli-support.js';
import type { CliCommand } from './command.js';

const HELP = `usage: alpr-edge hits list --from TIME --to TIME [--status unverified|confirmed|rejected] --purpose CAT --case N [--json]
       alpr-edge hits verify HIT_ID --outcome confirmed|rejected --ref CBI_REFERENCE [--note TEXT] --case N [--purpose CAT]

A hit is UNVERIFIED until someone records the Colorado Bureau of Investigation's answer
(policy 424.3(f)): verify it with the bureau before any enforcement action based on it, then
record the outcome, the bureau's reference and a note here. Who and when are recorded; a hit
is verified once. "verify" takes hit_verification as its purpose category unless --purpose says
otherwise. Both actions are audited.

${COMMON_HELP}`;

export const hitsCommand: CliCommand = {
  name: 'hits',
  summary: 'list hits and record their verification with the state bureau (CBI)',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    const known = { values: ['from', 'to', 'status', 'purpose', 'case', 'outcome', 'ref', 'note'], switches: ['json'] };
    return governed(rest, io, known, ({ user, access, values, switches, positional }) => {
      if (action === 'list') {
        const status = values.status as 'unverified' | 'confirmed' | 'rejected' | undefined;
        if (status && !['unverified', 'confirmed', 'rejected'].includes(status))
          throw new Error('--status is unverified, confirmed or rejected');
        const hits = access.listHits(user, purposeFrom(values), {
          from: parseTime(values.from, '--from'),
          to: parseTime(values.to, '--to', { endOfDay: true }),
          status,
        });
        if (switches.has('json')) io.out(JSON.stringify(hits, null, 2));
        else {
          printTable(
            io,
            ['TIME', 'PLATE', 'CATEGORY', 'STATUS', 'VERIFIED BY', 'REF', 'ID'],
            hits.map((h) => [
              iso(h.createdAt),
              h.plate,
              h.category,
              h.status.toUpperCase(),
              h.verifiedBy,
              h.verificationRef,
              h.id,
            ]),
          );
          io.out(`${hits.length} hit(s), ${hits.filter((h) => h.status === 'unverified').length} unverified`);
        }
        return 0;
      }
      if (action === 'verify') {
        const hitId = positional[0];
        if (!hitId) throw new Error('give the hit id: alpr-edge hits verify HIT_ID ...');
        const outcome = values.outcome;
        if (outcome !== 'confirmed' && outcome !== 'rejected')
          throw new Error('give --outcome confirmed or --outcome rejected');
        const hit = access.verifyHit(user, purposeFrom(values, 'hit_verification'), {
          hitId,
          outcome,
          reference: values.ref ?? '',
          note: values.note ?? '',
        });
        io.out(
          `hit ${hit.id} (${hit.plate}) ${hit.status} by ${hit.verifiedBy} at ${iso(hit.verifiedAt)}, bureau ref ${hit.verificationRef}`,
        );
        return 0;
      }
      throw new Error(`unknown action "${action ?? ''}" (see alpr-edge hits --help)`);
    });
  },
};
