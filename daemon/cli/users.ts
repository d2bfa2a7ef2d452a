import { ApiClient } from './api-client.js';
import { isRole, ROLES, type Role } from '../access/roles.js';
import type { CliCommand, CliIo } from './command.js';
import { parseFlags } from './flags.js';
import { COMMON_HELP, EXIT_DENIED, printTable, promptNewPassword } from './format.js';
import { SESSION_FLAGS, socketFrom, withSession } from './session.js';

const HELP = `usage: alpr-edge users <action> [options]

  bootstrap --new-user NAME --full-name "First Last" --employee-number N
        first run only: create the first administrator from the one-time secret. The daemon writes
        the secret to <storage>/bootstrap-secret at start (readable by the unit administrator
        only, e.g. sudo cat it); you are asked for it and for the new password. There is no
        default password.
  list                                        users, employee numbers, roles, training and lock state
  add NAME --role ROLE --full-name "First Last" --employee-number N
        a new user for one person; you are asked for their first password, which they must
        change at their first login. Shared accounts are refused: one person per account
        (names with "shared", "pool", "generic", "car N" or "unit N", or a one-word full name).
  identity NAME --employee-number N [--full-name "First Last"]
        give an older account its employee number (listed as "employee number missing")
  training NAME --completed-on DATE [--expires-on DATE] [--course TEXT]
        record someone else's office-approved ALPR training (policy 424.3(e)); an administrator
        or supervisor records it, never the trainee; completed by today; valid at most
        access.training_valid_days (default 365, the expiry when none is given). Without current
        training a user sees no data, whatever the role
  role NAME ROLE                              change a user's role
  password NAME                               reset a user's password (asked twice); they must change it at their next login
  passwd                                      change your own password (asked for the current one, then the new one twice)
  disable NAME | enable NAME                  end or restore a user's access (users are never deleted)
  cbi-grant NAME [--expires-on DATE]          authorize NAME to see the bureau's (CBI) data: NIC, ORI,
                                              list reasons and notes (policy 424.3(g)); others see
                                              "bureau details: not authorized"
  cbi-revoke NAME                             end that authorization

Passwords: at least 12 characters (access.min_password_length) and not guessable: common
passwords, words with digits appended, keyboard runs and your own name are refused.

roles: ${ROLES.join(', ')}. Every action but bootstrap, passwd and training needs an administrator (--user); training needs
an administrator or supervisor. Everything is audited.

${COMMON_HELP}`;

export const usersCommand: CliCommand = {
  name: 'users',
  summary: 'users, roles and training records (administrator)',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action === 'bootstrap') return bootstrap(rest, io);
    const known = { values: ['role', 'full-name', 'employee-number', 'completed-on', 'expires-on', 'course'] };
    return withSession(rest, io, known, async ({ api, values, positional, password: current }) => {
      const name = positional[0];
      const need = (): string => {
        if (!name) throw new Error(`give the user name: alpr-edge users ${action} NAME`);
        return name;
      };
      switch (action) {
        case 'list': {
          const { users: list } = await api.call('listUsers', {});
          printTable(
            io,
            ['USER', 'NAME', 'EMPLOYEE NO', 'ROLE', 'TRAINING EXPIRES', 'CBI DATA', 'STATE'],
            list.map((u) => [
              u.username,
              u.fullName,
              u.employeeNumber ?? 'employee number missing',
              u.role,
              u.trainingExpiresOn ? `${u.trainingExpiresOn}${u.trainingCurrent ? '' : ' (lapsed)'}` : 'none',
              u.cbiAuthorized ? (u.cbiAuthorizedUntil ? `until ${u.cbiAuthorizedUntil}` : 'yes') : 'no',
              u.disabled ? 'disabled' : u.locked ? 'locked' : u.mustChangePassword ? 'must change password' : 'active',
            ]),
          );
          return 0;
        }
        case 'add': {
          const username = need();
          const role = roleFlag(values.role);
          const fullName = values['full-name'];
          const employeeNumber = values['employee-number'];
          if (!fullName || !employeeNumber) throw new Error('give --full-name "First Last" and --employee-number N');
          const who = { username, full_name: fullName, employee_number: employeeNumber, role };
          // Refuse before asking for a password the caller may not set.
          await api.call('addUser', who);
          const password = await promptNewPassword(io, username);
          await api.call('addUser', { ...who, password });
          io.out(
            `user ${username} added as ${role}; they must change this password at their first login; record their training (alpr-edge users training ${username} ...) before they can see data`,
          );
          return 0;
        }
        case 'training': {
          const username = need();
          const t = await api.call(
            'addTraining',
            {
              course: values.course,
              completed_on: values['completed-on'] ?? '',
              expires_on: values['expires-on'],
            },
            { name: username },
          );
          io.out(`training recorded for ${username}: ${t.completedOn} to ${t.expiresOn}`);
          return 0;
        }
        case 'role': {
          const username = need();
          const role = roleFlag(positional[1] ?? values.role);
          await api.call('setRole', { role }, { name: username });
          io.out(`${username} is now ${role}`);
          return 0;
        }
        case 'password': {
          const username = need();
          const password = await promptNewPassword(io, username);
          await api.call('setPassword', { password }, { name: username });
          io.out(
            `password of ${username} reset; their lock and failure count were cleared; they must change it at their next login`,
          );
          return 0;
        }
        case 'passwd': {
          const next = await promptNewPassword(io, values.user ?? 'your account');
          await api.call('changeOwnPassword', { current_password: current, new_password: next });
          io.out('your password was changed');
          return 0;
        }
        case 'identity': {
          const username = need();
          const employeeNumber = values['employee-number'];
          if (!employeeNumber) throw new Error('give --employee-number N');
          await api.call(
            'setIdentity',
            { employee_number: employeeNumber, full_name: values['full-name'] },
            { name: username },
          );
          io.out(`${username} now has employee number ${employeeNumber}`);
          return 0;
        }
        case 'disable':
        case 'enable': {
          const username = need();
          await api.call(action === 'disable' ? 'disableUser' : 'enableUser', {}, { name: username });
          io.out(`${username} ${action}d`);
          return 0;
        }
        case 'cbi-grant': {
          const username = need();
          const g = await api.call(
            'grantCbi',
            values['expires-on'] === undefined ? {} : { expires_on: values['expires-on'] },
            { name: username },
          );
          io.out(
            `${username} may see CBI data from ${g.granted_at}${g.expires_at ? ` until ${g.expires_at}` : ' (no expiry)'}`,
          );
          return 0;
        }
        case 'cbi-revoke': {
          const username = need();
          await api.call('revokeCbi', {}, { name: username });
          io.out(`${username} may no longer see CBI data`);
          return 0;
        }
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
  const { values } = parseFlags(args, { values: [...SESSION_FLAGS, 'new-user', 'full-name', 'employee-number'] });
  const api = new ApiClient(socketFrom(values));
  await api.probe();
  const username = values['new-user'];
  const fullName = values['full-name'];
  const employeeNumber = values['employee-number'];
  const pending = await api.call('bootstrapSecret', {});
  if (!pending.needed) {
    io.err('refused: this unit already has users; ask an administrator (alpr-edge users add)');
    return EXIT_DENIED;
  }
  if (!username || !fullName || !employeeNumber)
    throw new Error(
      'give --new-user NAME, --full-name "First Last" and --employee-number N for the first administrator',
    );
  if (pending.issued) {
    io.out(
      `a one-time bootstrap secret was written to ${pending.file} (mode 0600).\nRead it as the unit administrator (e.g. sudo cat ${pending.file}), then run this command again and give it when asked.`,
    );
    return 0;
  }
  const secret = await io.promptSecret(`One-time bootstrap secret (in ${pending.file}): `);
  const password = await promptNewPassword(io, username);
  const u = await api.call('bootstrap', {
    secret,
    username,
    full_name: fullName,
    employee_number: employeeNumber,
    password,
  });
  io.out(
    `administrator ${u.username} created; the bootstrap secret is spent and deleted.\nNext: alpr-edge users training ${u.username} --completed-on DATE --expires-on DATE --user ${u.username}`,
  );
  return 0;
}
