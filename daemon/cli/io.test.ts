import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Runs a child that asks three secrets through processIo, with `input` piped to its stdin. */
function askThree(input: string): Promise<string> {
  const script = `
    const { processIo } = await import(${JSON.stringify(`${here}io.ts`)});
    const got = [];
    for (const q of ['Password: ', 'Passphrase: ', 'Again: '])
      got.push(await processIo.promptSecret(q).catch((e) => 'refused: ' + e.message));
    process.stdout.write(JSON.stringify(got));`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 20_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
    child.stdin!.end(input);
  });
}

// Scripts pipe secrets (a password, then a passphrase typed twice): each prompt takes its own line.
describe('secret prompts on piped stdin', () => {
  it('give each prompt the next line', async () => {
    expect(JSON.parse(await askThree('pw\nphrase one\nphrase one\n'))).toEqual(['pw', 'phrase one', 'phrase one']);
  });

  it('refuse the prompts that find no line left', async () => {
    expect(JSON.parse(await askThree('pw\n'))).toEqual([
      'pw',
      'refused: no input for the password prompt',
      'refused: no input for the password prompt',
    ]);
  });
});
