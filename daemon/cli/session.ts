import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parse } from 'yaml';
import { AccessDeniedError } from '../shared/errors.js';
import { ApiClient, DEFAULT_SOCKET } from './api-client.js';
import type { CliIo } from './command.js';
import { parseFlags } from './flags.js';

export const DEFAULT_CONFIG_FILE = '/etc/alpr-edge/config.yaml';

/** Flags every command that talks to the daemon takes. */
export const SESSION_FLAGS = ['config', 'socket', 'user'] as const;

export interface SessionRun {
  api: ApiClient;
  values: Record<string, string>;
  switches: Set<string>;
  positional: string[];
  /** The password typed at the login prompt (for `users passwd`, which must prove it again to the daemon). */
  password: string;
}

/**
 * The daemon's socket: --socket, then $ALPR_EDGE_SOCKET, then api.socket of --config FILE (or of
 * the unit config when this user may read it), then the default. Only that one key is read.
 */
export function socketFrom(values: Record<string, string>): string {
  if (values.socket) return values.socket;
  if (process.env.ALPR_EDGE_SOCKET) return process.env.ALPR_EDGE_SOCKET;
  let text: string;
  try {
    text = readFileSync(values.config ?? DEFAULT_CONFIG_FILE, 'utf8');
  } catch (err) {
    if (values.config) throw new Error(`cannot read ${values.config}: ${(err as NodeJS.ErrnoException).code}`);
    return DEFAULT_SOCKET;
  }
  try {
    const socket = (parse(text) as { api?: { socket?: unknown } } | null)?.api?.socket;
    return typeof socket === 'string' && socket ? socket : DEFAULT_SOCKET;
  } catch {
    if (values.config) throw new Error(`${values.config} is not YAML; give --socket PATH`);
    return DEFAULT_SOCKET;
  }
}

function defaultUserName(): string | undefined {
  try {
    return process.env.ALPR_EDGE_USER ?? userInfo().username;
  } catch {
    return undefined;
  }
}

/**
 * Parses flags, checks that the daemon answers, asks for the password (never from the command
 * line), logs in, runs `body`, and logs out. A refusal prints its reason and exits 77 (cli/main.ts).
 */
export async function withSession(
  args: string[],
  io: CliIo,
  known: { values?: string[]; switches?: string[] },
  body: (run: SessionRun) => Promise<number> | number,
): Promise<number> {
  const { values, switches, positional } = parseFlags(args, {
    values: [...SESSION_FLAGS, ...(known.values ?? [])],
    switches: known.switches ?? [],
  });
  const api = new ApiClient(socketFrom(values));
  await api.probe();
  const username = values.user ?? defaultUserName();
  if (!username) throw new AccessDeniedError('give --user NAME');
  const password = await io.promptSecret(`Password for ${username}: `);
  await api.login(username, password);
  try {
    return await body({ api, values, switches, positional, password });
  } finally {
    await api.logout();
  }
}

/** --purpose and --case as given: the daemon checks them (and audits a bad one). */
export function purposeFlags(values: Record<string, string>): { purpose?: string; case?: string } {
  return {
    ...(values.purpose !== undefined ? { purpose: values.purpose } : {}),
    ...(values.case !== undefined ? { case: values.case } : {}),
  };
}

/** "a,b, c" as ["a", "b", "c"]; undefined when not given. */
export function listFlag(v: string | undefined): string[] | undefined {
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}
