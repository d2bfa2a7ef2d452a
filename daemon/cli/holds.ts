import type { CliCommand } from './command.js';
import { COMMON_HELP, iso, printTable } from './format.js';
import { listFlag, purposeFlags, withSession } from './session.js';

const HELP = `usage: alpr-edge holds add --case N --reason TEXT (--read ID[,ID...] | --from TIME --to TIME [--plate P] [--camera C]) [--purpose CAT]
       alpr-edge holds list [--all] [--case N]
       alpr-edge holds approve HOLD_ID [--note TEXT]
       alpr-edge holds renew HOLD_ID --reason TEXT
       alpr-edge holds release HOLD_ID --reason TEXT

An evidence hold keeps data past the 21-day purge because it is, or may become, evidence in a
criminal or civil action or is subject to a lawful action to produce records (policy 424.4).
A hold names reads by id, or a range: a time window with an optional plate pattern (* ?) and
camera, so reads of a vehicle around an incident are all kept. Export the case's data to
portable media with "alpr-edge evidence export", then release the hold when the case no longer
needs it: the next purge removes what it kept. "add" takes criminal_investigation as its
purpose category unless --purpose says otherwise. Every action is audited.

A range must end no later than now (a hold keeps evidence that exists, not reads to come). A
range wider than retention.hold_max_range_days (default 7) protects nothing until a second
person, a supervisor or administrator other than the requester, approves it ("approve").
Every hold has a review date (retention.hold_review_days, default a year): after it the hold
lapses and the purge ignores it, unless someone renews it with the reason it is still needed.

${COMMON_HELP}`;

export const holdsCommand: CliCommand = {
  name: 'holds',
  summary: 'evidence holds that keep reads past the 21-day purge',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    const known = {
      values: ['case', 'purpose', 'reason', 'read', 'from', 'to', 'plate', 'camera', 'note'],
      switches: ['all', 'json'],
    };
    return withSession(rest, io, known, async ({ api, values, switches, positional }) => {
      if (action === 'add') {
        if (!values.read && !values.from && !values.to)
          throw new Error('say what to hold: --read ID[,ID...] or --from TIME --to TIME [--plate P] [--camera C]');
        if (!values.read && (values.from === undefined || values.to === undefined))
          throw new Error('give --from TIME and --to TIME');
        const r = await api.call('createHold', {
          ...purposeFlags(values),
          reason: values.reason ?? '',
          ...(values.read
            ? { read_ids: listFlag(values.read) ?? [] }
            : { from: values.from, to: values.to, plate: values.plate, camera: values.camera }),
        });
        io.out(
          r.hold.approval === 'pending'
            ? `hold ${r.hold.id} on case ${r.hold.caseNumber} created, but its range is wider than the unit allows on one person's word: it protects nothing until a supervisor or administrator approves it (alpr-edge holds approve ${r.hold.id})`
            : `hold ${r.hold.id} on case ${r.hold.caseNumber} created; ${r.kept_reads} read(s) of this case are now kept past the purge until ${iso(r.hold.reviewAt)} unless renewed`,
        );
        return 0;
      }
      if (action === 'list') {
        const { holds } = await api.call('listHolds', { all: switches.has('all'), case: values.case });
        if (switches.has('json')) io.out(JSON.stringify(holds, null, 2));
        else
          printTable(
            io,
            ['ID', 'CASE', 'CREATED', 'BY', 'SCOPE', 'REASON', 'STATE', 'REVIEW', 'RELEASED'],
            holds.map((h) => [
              h.id,
              h.caseNumber,
              iso(h.createdAt),
              h.createdBy,
              h.scope.kind === 'reads'
                ? `${h.scope.readIds.length} read(s)`
                : `${h.scope.platePattern ?? '*'} ${h.scope.cameraId ?? 'all cameras'} ${iso(h.scope.from)}..${iso(h.scope.to)}`,
              h.reason,
              h.protects
                ? h.approval === 'approved'
                  ? `protects (approved by ${h.approvedBy})`
                  : 'protects'
                : h.releasedAt
                  ? 'released'
                  : h.approval === 'pending'
                    ? 'awaiting approval: protects nothing'
                    : 'lapsed: protects nothing',
              iso(h.reviewAt),
              h.releasedAt ? `${iso(h.releasedAt)} by ${h.releasedBy}` : '',
            ]),
          );
        return 0;
      }
      if (action === 'approve' || action === 'renew') {
        const id = Number(positional[0]);
        if (!Number.isInteger(id)) throw new Error(`give the hold id: alpr-edge holds ${action} HOLD_ID`);
        if (action === 'approve') {
          const r = await api.call('approveHold', { note: values.note }, { id });
          io.out(
            `hold ${r.hold.id} (case ${r.hold.caseNumber}) approved; ${r.kept_reads} read(s) of this case are now kept`,
          );
        } else {
          const { hold: h } = await api.call('renewHold', { reason: values.reason ?? '' }, { id });
          io.out(`hold ${h.id} (case ${h.caseNumber}) renewed until ${iso(h.reviewAt)}`);
        }
        return 0;
      }
      if (action === 'release') {
        const id = Number(positional[0]);
        if (!Number.isInteger(id)) throw new Error('give the hold id: alpr-edge holds release HOLD_ID --reason TEXT');
        const { hold: h } = await api.call('releaseHold', { reason: values.reason ?? '' }, { id });
        io.out(`hold ${h.id} (case ${h.caseNumber}) released; reads it alone kept go in the next purge`);
        return 0;
      }
      throw new Error(`unknown action "${action ?? ''}" (see alpr-edge holds --help)`);
    });
  },
};
