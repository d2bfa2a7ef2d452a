/** One `alpr-edge` subcommand. Each lives in its own file in daemon/cli/ and is listed in registry.ts. */
export interface CliCommand {
  /** e.g. 'check-config' or 'users' (a group whose own run() reads the next argument). */
  name: string;
  /** One line for `alpr-edge --help`. */
  summary: string;
  /** Full help for `alpr-edge NAME --help`. */
  help: string;
  /** Returns the process exit status. Throw Errors; the dispatcher prints them plainly. */
  run(args: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks for a line without echo (passwords); rejects when there is no terminal and no stdin. */
  promptSecret(question: string): Promise<string>;
  /** stderr is a terminal (progress bars go there only then). */
  isTty: boolean;
}
