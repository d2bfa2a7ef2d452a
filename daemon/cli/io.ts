import { createInterface, type Interface } from 'node:readline';
import type { CliIo } from './command.js';

/**
 * Lines of piped (non-terminal) stdin, shared by every prompt: a reader per prompt would swallow
 * the lines after the first one it buffered, so a second prompt (a new password, a passphrase
 * typed twice) would find nothing. Paused between prompts so it never keeps the process alive.
 */
class PipedLines {
  private readonly lines: string[] = [];
  private readonly waiters: { resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  private closed = false;
  private readonly rl: Interface;

  constructor() {
    this.rl = createInterface({ input: process.stdin, terminal: false });
    this.rl.on('line', (line) => {
      const w = this.waiters.shift();
      if (w) w.resolve(line);
      else this.lines.push(line);
      if (this.waiters.length === 0) this.rl.pause();
    });
    this.rl.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w.reject(new Error('no input for the password prompt'));
    });
  }

  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.reject(new Error('no input for the password prompt'));
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.rl.resume();
    });
  }
}

let piped: PipedLines | undefined;

/** Terminal I/O for the CLI. Passwords are read without echo from the TTY, or one line each from piped stdin. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: Boolean(process.stderr.isTTY),
  promptSecret(question) {
    process.stderr.write(question);
    if (!process.stdin.isTTY) {
      piped ??= new PipedLines();
      return piped.next();
    }
    return new Promise((resolve, reject) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      // No echo: the typed characters are not written back to the terminal.
      (rl as unknown as { _writeToOutput?: (s: string) => void })._writeToOutput = () => {};
      let answered = false;
      rl.once('line', (line) => {
        answered = true;
        rl.close();
        process.stderr.write('\n');
        resolve(line);
      });
      rl.once('close', () => {
        if (!answered) reject(new Error('no input for the password prompt'));
      });
    });
  },
};
