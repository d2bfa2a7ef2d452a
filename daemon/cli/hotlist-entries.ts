import { authenticateCliUser } from '../access/cli-auth.js';
import { authorizeAudited, type AuthenticatedUser } from '../access/authorize.js';
import { iso, parseTime, printTable } from '../access/cli-support.js';
import { AuditLog } from '../store/audit-log.js';
import { HitStore } from '../store/hits.js';
import type { CliIo } from './command.js';
import { parseFlags } from './flags.js';
import { openHotlistContext, type HotlistCliContext } from './hotlist-context.js';

type Action = (args: string[], io: CliIo) => Promise<number>;

const CONTEXT = ['config', 'db', 'user', 'log-level'];

/**
 * Runs `body` for an authenticated user allowed to manage hotlists (role and current training,
 * policy 424.3(b),(e)); a refusal is audited and exits 77.
 */
async function asManager(
  args: string[],
  io: CliIo,
  known: { values?: string[]; switches?: string[] },
  body: (c: {
    ctx: HotlistCliContext;
    user: AuthenticatedUser;
    audit: AuditLog;
    values: Record<string, string>;
    switches: Set<string>;
    positional: string[];
  }) => number,
): Promise<number> {
  const { values, switches, positional } = parseFlags(args, {
    values: [...CONTEXT, ...(known.values ?? [])],
    switches: known.switches ?? [],
  });
  const ctx = await openHotlistContext(values, { loadLists: false });
  try {
    const user = await authenticateCliUser(io, ctx.db, { user: values.user });
    authorizeAudited(ctx.db, user, 'hotlist_manage', Date.now(), { op: args[0] ?? '' });
    return body({ ctx, user, audit: new AuditLog(ctx.db), values, switches, positional });
  } finally {
    ctx.close();
  }
}

const add: Action = (args, io) =>
  asManager(
    args,
    io,
    { values: ['plate', 'state', 'category', 'reason', 'case', 'expires', 'days', 'notes'] },
    ({ ctx, user, audit, values }) => {
      const now = Date.now();
      if (!values.plate) throw new Error('give --plate PLATE (partial plates: * any run, ? one character)');
      if (!values.category) throw new Error('give --category CAT (see alpr-edge hotlist --help)');
      if (!values.reason) throw new Error('give --reason TEXT');
      let expires: number;
      if (values.days) {
        const d = Number(values.days);
        if (!(d > 0 && d <= 365)) throw new Error('--days must be between 0 and 365');
        expires = now + d * 86_400_000;
      } else if (values.expires) expires = parseTime(values.expires, '--expires', { endOfDay: true, now });
      else throw new Error('give --expires DATE or --days N: a local entry must end');
      const before = new HitStore(ctx.db).count();
      const rec = ctx.service.addLocalEntry(
        { username: user.username },
        {
          plate: values.plate,
          state: values.state ?? null,
          category: values.category,
          reason: values.reason,
          caseNumber: values.case ?? null,
          notes: values.notes ?? '',
          expires,
        },
        (r) =>
          audit.append({
            at: now,
            username: user.username,
            role: user.role,
            action: 'hotlist_manage',
            outcome: 'allowed',
            caseNumber: r.entry.caseNumber,
            detail: {
              op: 'add',
              entry_id: r.id,
              plate: r.entry.plate,
              state: r.entry.state,
              category: r.entry.category,
              reason: r.entry.reason,
              expires: iso(r.entry.expires),
            },
          }),
      );
      const retro = new HitStore(ctx.db).count() - before;
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
  asManager(args, io, { switches: ['all', 'json'] }, ({ ctx, user, audit, switches }) => {
    const rows = ctx.service.listLocalEntries(switches.has('all'));
    audit.append({
      at: Date.now(),
      username: user.username,
      role: user.role,
      action: 'hotlist_manage',
      outcome: 'allowed',
      resultCount: rows.length,
      detail: { op: 'list', all: switches.has('all') },
    });
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
  asManager(args, io, {}, ({ ctx, user, audit, positional }) => {
    const id = positional[0];
    if (!id) throw new Error('give the entry id: alpr-edge hotlist remove ENTRY_ID (see alpr-edge hotlist list)');
    const ok = ctx.service.removeLocalEntry({ username: user.username }, id, () =>
      audit.append({
        at: Date.now(),
        username: user.username,
        role: user.role,
        action: 'hotlist_manage',
        outcome: 'allowed',
        detail: { op: 'remove', entry_id: id },
      }),
    );
    if (!ok) throw new Error(`no live local entry ${id}`);
    io.out(`removed ${id}`);
    return 0;
  });

export const hotlistEntryActions: Record<string, Action> = { add, list, remove };
