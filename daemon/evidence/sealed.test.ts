import { isSealed, openSealed, sealPackage, WrongPassphraseError } from './sealed.js';

const FILES = [
  { path: 'manifest.json', data: '{"a":1}\n' },
  { path: 'crops/r1.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) },
];
const PASS = 'a long enough passphrase';

/** The sealed file with its JSON header line rewritten by `edit`. */
function withHeader(buf: Buffer, edit: (h: Record<string, unknown>) => void): Buffer {
  const first = buf.indexOf(0x0a);
  const second = buf.indexOf(0x0a, first + 1);
  const h = JSON.parse(buf.subarray(first + 1, second).toString('utf8'));
  edit(h);
  return Buffer.concat([buf.subarray(0, first + 1), Buffer.from(JSON.stringify(h)), buf.subarray(second)]);
}

describe('an encrypted evidence package', () => {
  let sealed: Buffer;
  beforeAll(async () => {
    sealed = await sealPackage('alpr-evidence-CR1', FILES, PASS);
  });

  it('opens with its passphrase to the same files, and shows none of them in the clear', async () => {
    expect(isSealed(sealed)).toBe(true);
    expect(sealed.includes(Buffer.from('"a":1'))).toBe(false);
    const opened = await openSealed(sealed, PASS);
    expect(opened.name).toBe('alpr-evidence-CR1');
    expect(opened.files.map((f) => [f.path, Buffer.from(f.data).toString('hex')])).toEqual([
      ['manifest.json', Buffer.from('{"a":1}\n').toString('hex')],
      ['crops/r1.jpg', 'ffd8ffd9'],
    ]);
  });

  it('says a wrong passphrase is wrong', async () => {
    await expect(openSealed(sealed, 'not the passphrase')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('refuses an edited header: the name is authenticated with the contents', async () => {
    const renamed = withHeader(sealed, (h) => {
      h.name = '../elsewhere';
    });
    await expect(openSealed(renamed, PASS)).rejects.toThrow(/fail authentication: the file was altered or damaged/);
  });

  it('refuses scrypt parameters that would exhaust the memory of whoever verifies', async () => {
    const costly = withHeader(sealed, (h) => {
      h.N = 2 ** 20;
      h.r = 32;
    });
    await expect(openSealed(costly, PASS)).rejects.toThrow(/malformed header/);
  });

  it('refuses a short passphrase at sealing', async () => {
    await expect(sealPackage('x', FILES, 'short')).rejects.toThrow('the passphrase must be at least 12 characters');
  });
});
