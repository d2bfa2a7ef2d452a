import type { CliIo } from './command.js';
import { iso, printTable } from './format.js';
import { purposeFlags, withSession } from './session.js';

type Action = (args: string[], io: CliIo) => Promise<number>;

const add: Action = (args, io) =>
  withSession(
    args,
    io,
    { values: ['plate', 'state', 'category', 'reason', 'purpose', 'case', 'expires', 'days', 'notes'] },
    async ({ api, values }) => {
      if (!values.plate) throw new Error('give --plate PLATE (partial plates: * any run, ? one character)');
      if (!values.category) throw new Error('give --category CAT (see alpr-edge hotlist --help)');
      if (!values.reason) throw new Error('give --reason TEXT');
      if (!values.days && !values.expires) throw new Error('give --expires DATE or --days N: a local entry must end');
      const days = values.days ? Number(values.days) : undefined;
      if (days !== undefined && !Number.isFinite(days)) throw new Error('--days must be between 0 and 365');
      const { entry: rec, retro_hits: retro } = await api.call('addHotlistEntry', {
        ...purposeFlags(values),
        plate: values.plate,
        state: values.state,
        category: values.category,
        reason: values.reason,
        notes: values.notes,
        ...(days !== undefined ? { days } : { expires: values.expires }),
      });
      io.out(
        `added ${rec.id}: ${rec.entry.plate}${rec.entry.state ? ` (${rec.entry.state})` : ''} ${rec.entry.category} until ${iso(rec.entry.expires)}`,
      );
      io.out(
        retro
          ? `${retro} retrospective hit(s) raised from stored reads; they are UNVERIFIED (see alpr-edge hits list)`
          : 'no stored read matches it',
      );
      return 0;
    },
  );

const list: Action = (args, io) =>
  withSession(args, io, { switches: ['all', 'json'] }, async ({ api, switches }) => {
    const { entries: rows } = await api.call('listHotlistEntries', { all: switches.has('all') });
    if (switches.has('json')) io.out(JSON.stringify(rows, null, 2));
    else {
      printTable(
        io,
        ['ID', 'PLATE', 'STATE', 'CATEGORY', 'REASON', 'CASE', 'EXPIRES', 'BY', 'REMOVED'],
        rows.map((r) => [
          r.id,
          r.entry.plate,
          r.entry.state,
          r.entry.category,
          r.entry.reason,
          r.entry.caseNumber,
          iso(r.entry.expires),
          r.createdBy,
          r.removedAt ? `${iso(r.removedAt)} by ${r.removedBy}` : '',
        ]),
      );
      io.out(`${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}`);
    }
    return 0;
  });

const remove: Action = (args, io) =>
  withSession(args, io, {}, async ({ api, positional }) => {
    const id = positional[0];
    if (!id) throw new Error('give the entry id: alpr-edge hotlist remove ENTRY_ID (see alpr-edge hotlist list)');
    await api.call('removeHotlistEntry', {}, { id });
    io.out(`removed ${id}`);
    return 0;
  });

/** The local-entry actions of `alpr-edge hotlist`: each logs in to the daemon, which does the work and audits it. */
export const hotlistEntryActions: Record<string, Action> = { add, list, remove };
