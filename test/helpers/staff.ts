import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../daemon/cli/main.js';
import { fakeIo } from '../policy/fixture.js';
import { waitUntil } from './daemon.js';

/** What the CLI printed, run in this process as a client of a daemon's (or console's) socket. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs `alpr-edge ARGS --socket SOCKET`, answering its prompts with `secrets` in order. */
export async function cliOn(socket: string, args: string[], secrets: string[]): Promise<CliResult> {
  const io = fakeIo(secrets);
  const code = await runCli([...args, '--socket', socket], io);
  return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
}

export const CHIEF_PW = 'chief admin passphrase';
export const SUPERVISOR_PW = 'sergeant sam passphrase';
const FIRST_PW = 'first issued passphrase 7';

/**
 * The people of a unit or console, set up through its API as the rules ask: the first
 * administrator `chief` from the one-time secret in `stateDir`, a supervisor `sarge`, then each
 * person added by the chief with a first password they change themselves, and their training
 * recorded by the supervisor (never by themselves).
 */
export async function staffOf(socket: string, stateDir: string) {
  const ok = async (args: string[], secrets: string[]): Promise<CliResult> => {
    const r = await cliOn(socket, args, secrets);
    if (r.code !== 0 || r.err) throw new Error(`alpr-edge ${args.join(' ')}: exit ${r.code} ${r.err}`);
    return r;
  };
  await waitUntil(() => existsSync(join(stateDir, 'bootstrap-secret')), 10_000, 'the bootstrap secret');
  const secret = readFileSync(join(stateDir, 'bootstrap-secret'), 'utf8').trim();
  await ok(
    ['users', 'bootstrap', '--new-user', 'chief', '--full-name', 'Chief Deputy', '--employee-number', 'E-100'],
    [secret, CHIEF_PW, CHIEF_PW],
  );
  const add = async (name: string, role: string, fullName: string, employee: string, pw: string) => {
    const who = ['--role', role, '--full-name', fullName, '--employee-number', employee, '--user', 'chief'];
    await ok(['users', 'add', name, ...who], [CHIEF_PW, FIRST_PW, FIRST_PW]);
    await ok(['users', 'passwd', '--user', name], [FIRST_PW, pw, pw]);
  };
  await add('sarge', 'supervisor', 'Sam Sarge', 'E-300', SUPERVISOR_PW);
  const completed = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const train = (name: string) =>
    ok(['users', 'training', name, '--completed-on', completed, '--user', 'sarge'], [SUPERVISOR_PW]);
  return { add, train, asChief: (args: string[]) => ok([...args, '--user', 'chief'], [CHIEF_PW]) };
}
