import { systemClock } from '../shared/clock.js';
import { Bootstrap } from '../access/bootstrap.js';
import { CONTEXT_FLAGS, openCliContext } from '../access/cli-auth.js';
import { COMMON_HELP, EXIT_DENIED, governed, printTable, promptNewPassword } from '../access/cli-support.js';
import { isRole, ROLES, type Role } from '../access/roles.js';
import { UserAdmin } from '../access/user-admin.js';
import { authorizeAudited } from '../access/authorize.js';
import type { CliCommand, CliIo } from './command.js';
import { parseFlags } from './flags.js';

const HELP = `usage: alpr-edge users <action> [options]

  bootstrap --new-user NAME --full-name "NAME"
        first run only: create the first administrator from the one-time secret. The first call
        writes the secret to <storage>/bootstrap-secret (readable by root only); run again to be
        asked for it and for the new password. There is no default password.
  list                                        users, roles, training and lock state
  add NAME --role ROLE --full-name "NAME"     a new user; you are asked for their first password
  training NAME --completed-on DATE --expires-on DATE [--course TEXT]
        record office-approved ALPR training (policy 424.3(e)); without current training a user
        sees no data, whatever the role
  role NAME ROLE                              change a user's role
  password NAME                               set a user's password (you are asked for it twice)
  disable NAME | enable NAME                  end or restore a user's access (users are never deleted)

roles: ${ROLES.join(', ')}. Every action but bootstrap needs an administrator (--user) and is audited.

${COMMON_HELP}`;

export const usersCommand: CliCommand = {
  name: 'users',
  summary: 'users, roles and training records (administrator)',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action === 'bootstrap') return bootstrap(rest, io);
    const known = { values: ['role', 'full-name', 'completed-on', 'expires-on', 'course'] };
    return governed(rest, io, known, async ({ ctx, user, access, values, positional }) => {
      const admin = new UserAdmin(ctx.db, access, systemClock, ctx.access);
      const name = positional[0];
      const need = (what: string): string => {
        if (!name) throw new Error(`give the user name: alpr-edge users ${action} NAME`);
        return what;
      };
      switch (action) {
        case 'list': {
          const list = admin.list(user);
          printTable(
            io,
            ['USER', 'NAME', 'ROLE', 'TRAINING EXPIRES', 'STATE'],
            list.map((u) => [
              u.username,
              u.fullName,
              u.role,
              u.trainingExpiresOn ? `${u.trainingExpiresOn}${u.trainingCurrent ? '' : ' (lapsed)'}` : 'none',
              u.disabled ? 'disabled' : u.locked ? 'locked' : 'active',
            ]),
          );
          return 0;
        }
        case 'add': {
          need('');
          const role = roleFlag(values.role);
          if (!values['full-name']) throw new Error('give --full-name "First Last"');
          // Refuse before asking for a password the caller may not set.
          authorizeAudited(ctx.db, user, 'users_manage', Date.now(), { kind: 'user_add', username: name });
          const password = await promptNewPassword(io, name!);
          await admin.add(user, { username: name!, fullName: values['full-name'], role, password });
          io.out(
            `user ${name} added as ${role}; record their training (alpr-edge users training ${name} ...) before they can see data`,
          );
          return 0;
        }
        case 'training': {
          need('');
          const t = admin.addTraining(user, name!, {
            course: values.course ?? 'ALPR office-approved training',
            completedOn: values['completed-on'] ?? '',
            expiresOn: values['expires-on'] ?? '',
          });
          io.out(`training recorded for ${name}: ${t.completedOn} to ${t.expiresOn}`);
          return 0;
        }
        case 'role': {
          need('');
          const role = roleFlag(positional[1] ?? values.role);
          admin.setRole(user, name!, role);
          io.out(`${name} is now ${role}`);
          return 0;
        }
        case 'password': {
          need('');
          const password = await promptNewPassword(io, name!);
          await admin.setPassword(user, name!, password);
          io.out(`password of ${name} changed; their lock and failure count were cleared`);
          return 0;
        }
        case 'disable':
        case 'enable':
          need('');
          if (action === 'disable') admin.disable(user, name!);
          else admin.enable(user, name!);
          io.out(`${name} ${action}d`);
          return 0;
        default:
          throw new Error(`unknown action "${action ?? ''}" (see alpr-edge users --help)`);
      }
    });
  },
};

function roleFlag(s: string | undefined): Role {
  if (!s || !isRole(s)) throw new Error(`give a role: ${ROLES.join(', ')}`);
  return s;
}

async function bootstrap(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { values: [...CONTEXT_FLAGS, 'new-user', 'full-name'] });
  const ctx = openCliContext(values);
  try {
    const boot = new Bootstrap(ctx.db, ctx.storageDir);
    if (!boot.needed()) {
      io.err('refused: this unit already has users; ask an administrator (alpr-edge users add)');
      return EXIT_DENIED;
    }
    const username = values['new-user'];
    const fullName = values['full-name'];
    if (!username || !fullName)
      throw new Error('give --new-user NAME and --full-name "First Last" for the first administrator');
    if (!boot.readSecret()) {
      const file = boot.ensureSecret(Date.now());
      io.out(
        `a one-time bootstrap secret was written to ${file} (mode 0600).\nRead it as root, then run this command again and give it when asked.`,
      );
      return 0;
    }
    const secret = await io.promptSecret('One-time bootstrap secret: ');
    const password = await promptNewPassword(io, username);
    const u = await boot.createFirstAdministrator(
      { secret, username, fullName, password, minPasswordLength: ctx.access.min_password_length },
      Date.now(),
    );
    io.out(
      `administrator ${u.username} created; the bootstrap secret is spent and deleted.\nNext: alpr-edge users training ${u.username} --completed-on DATE --expires-on DATE --user ${u.username}`,
    );
    return 0;
  } finally {
    ctx.db.close();
  }
}
