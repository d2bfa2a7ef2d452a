import { createInterface } from 'node:readline';
import type { CliIo } from './command.js';

/** Terminal I/O for the CLI. Passwords are read without echo from the TTY, or as one line from piped stdin. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: Boolean(process.stderr.isTTY),
  promptSecret(question) {
    return new Promise((resolve, reject) => {
      const rl = createInterface({
        input: process.stdin,
        output: process.stderr,
        terminal: Boolean(process.stdin.isTTY),
      });
      const muted = rl as unknown as { _writeToOutput?: (s: string) => void };
      if (process.stdin.isTTY) {
        process.stderr.write(question);
        muted._writeToOutput = () => {};
      } else {
        process.stderr.write(question);
      }
      let answered = false;
      rl.once('line', (line) => {
        answered = true;
        rl.close();
        if (process.stdin.isTTY) process.stderr.write('\n');
        resolve(line);
      });
      rl.once('close', () => {
        if (!answered) reject(new Error('no input for the password prompt'));
      });
    });
  },
};
