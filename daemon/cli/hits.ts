import type { CliCommand } from './command.js';
import { COMMON_HELP, iso, printTable } from './format.js';
import { purposeFlags, withSession } from './session.js';

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
    return withSession(rest, io, known, async ({ api, values, switches, positional }) => {
      if (action === 'list') {
        const status = values.status as 'unverified' | 'confirmed' | 'rejected' | undefined;
        if (status && !['unverified', 'confirmed', 'rejected'].includes(status))
          throw new Error('--status is unverified, confirmed or rejected');
        if (values.from === undefined) throw new Error('give --from TIME');
        if (values.to === undefined) throw new Error('give --to TIME');
        const { hits } = await api.call('listHits', {
          ...purposeFlags(values),
          from: values.from,
          to: values.to,
          status,
        });
        if (switches.has('json')) io.out(JSON.stringify(hits, null, 2));
        else {
          printTable(
            io,
            ['TIME', 'PLATE', 'CATEGORY', 'REASON', 'STATUS', 'VERIFIED BY', 'REF', 'ID'],
            hits.map((h) => [
              iso(h.createdAt),
              h.plate,
              h.category,
              h.reason,
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
        const { hit } = await api.call(
          'verifyHit',
          { ...purposeFlags(values), outcome, reference: values.ref ?? '', note: values.note ?? '' },
          { id: hitId },
        );
        io.out(
          `hit ${hit.id} (${hit.plate}) ${hit.status} by ${hit.verifiedBy} at ${iso(hit.verifiedAt)}, bureau ref ${hit.verificationRef}`,
        );
        return 0;
      }
      throw new Error(`unknown action "${action ?? ''}" (see alpr-edge hits --help)`);
    });
  },
};
