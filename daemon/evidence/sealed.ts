import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PackageFile } from './package.js';

/**
 * An encrypted evidence package: one file, `<package>.alpr-evidence`. Layout:
 *
 *   line 1  `alpr-edge-evidence-encrypted/1`
 *   line 2  JSON header: scrypt parameters and salt, AES-256-GCM nonce, key check, package name
 *   rest    AES-256-GCM ciphertext of the package's files, then the 16-byte tag
 *
 * The key is scrypt(passphrase, salt): its first 32 bytes encrypt, the SHA-256 of the next 32 is
 * the key check, so a wrong passphrase is told apart from a damaged file. Lines 1 and 2 are the
 * cipher's associated data: an edited header fails too. The plaintext is a 4-byte big-endian
 * length, a JSON index `[{path, bytes}]`, then the files' bytes in that order.
 */
export const SEALED_MAGIC = 'alpr-edge-evidence-encrypted/1';
export const SEALED_SUFFIX = '.alpr-evidence';
/** A passphrase shorter than this is refused at export. */
export const MIN_PASSPHRASE = 12;

const SCRYPT = { N: 2 ** 17, r: 8, p: 1 };

const headerSchema = z
  .object({
    kdf: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(2 ** 14)
      .max(2 ** 20)
      .refine((n) => (n & (n - 1)) === 0, 'a power of 2'),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: z.string().min(16),
    cipher: z.literal('aes-256-gcm'),
    iv: z.string().min(16),
    key_check: z.string().min(16),
    name: z.string(),
  })
  .strict()
  // scrypt needs 128·N·r bytes: a crafted header may not make verify take more than 1 GiB.
  .refine((h) => 128 * h.N * h.r <= 2 ** 30, 'scrypt parameters too costly');
type Header = z.infer<typeof headerSchema>;

/** The passphrase does not open this package. */
export class WrongPassphraseError extends Error {
  override name = 'WrongPassphraseError';
}

/** True when `buf` starts like an encrypted package. */
export function isSealed(buf: Buffer): boolean {
  return buf.subarray(0, SEALED_MAGIC.length + 1).toString('latin1') === `${SEALED_MAGIC}\n`;
}

function deriveKeys(passphrase: string, h: Pick<Header, 'N' | 'r' | 'p' | 'salt'>): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      passphrase.normalize('NFC'),
      Buffer.from(h.salt, 'base64'),
      64,
      { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

function keyCheck(keys: Buffer): Buffer {
  return createHash('sha256').update(keys.subarray(32)).digest();
}

/** Encrypts a package's files with a key derived from `passphrase` (random salt and nonce). */
export async function sealPackage(name: string, files: PackageFile[], passphrase: string): Promise<Buffer> {
  if (passphrase.length < MIN_PASSPHRASE)
    throw new Error(`the passphrase must be at least ${MIN_PASSPHRASE} characters`);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const base = { ...SCRYPT, salt: salt.toString('base64') };
  const keys = await deriveKeys(passphrase, base);
  const header: Header = {
    kdf: 'scrypt',
    ...base,
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    key_check: keyCheck(keys).toString('base64'),
    name,
  };
  const head = Buffer.from(`${SEALED_MAGIC}\n${JSON.stringify(header)}\n`);
  const bufs = files.map((f) => (typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data));
  const index = Buffer.from(JSON.stringify(files.map((f, i) => ({ path: f.path, bytes: bufs[i]!.length }))));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(index.length);
  const cipher = createCipheriv('aes-256-gcm', keys.subarray(0, 32), iv);
  cipher.setAAD(head);
  const body = Buffer.concat([cipher.update(Buffer.concat([len, index, ...bufs])), cipher.final()]);
  return Buffer.concat([head, body, cipher.getAuthTag()]);
}

/**
 * Decrypts an encrypted package. Throws WrongPassphraseError when the key check fails, and an
 * Error naming the damage when the header is malformed or the contents fail authentication.
 */
export async function openSealed(buf: Buffer, passphrase: string): Promise<{ name: string; files: PackageFile[] }> {
  if (!isSealed(buf)) throw new Error(`not an encrypted evidence package (it does not start with ${SEALED_MAGIC})`);
  const start = SEALED_MAGIC.length + 1;
  const end = buf.indexOf(0x0a, start);
  if (end < 0) throw new Error('the encrypted package has no header line: damaged');
  let header: Header;
  try {
    const parsed = headerSchema.safeParse(JSON.parse(buf.subarray(start, end).toString('utf8')));
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message);
    header = parsed.data;
  } catch {
    throw new Error('the encrypted package has a malformed header: damaged or not made by alpr-edge');
  }
  const head = buf.subarray(0, end + 1);
  if (buf.length < head.length + 16) throw new Error('the encrypted package is truncated');
  const keys = await deriveKeys(passphrase, header);
  const check = Buffer.from(header.key_check, 'base64');
  const ours = keyCheck(keys);
  if (check.length !== ours.length || !timingSafeEqual(check, ours))
    throw new WrongPassphraseError('wrong passphrase: it does not open this package (nothing was decrypted)');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.subarray(0, 32), Buffer.from(header.iv, 'base64'));
    decipher.setAAD(head);
    decipher.setAuthTag(buf.subarray(buf.length - 16));
    plain = Buffer.concat([decipher.update(buf.subarray(head.length, buf.length - 16)), decipher.final()]);
  } catch {
    throw new Error(
      'the passphrase is right but the encrypted contents fail authentication: the file was altered or damaged',
    );
  }
  return { name: header.name, files: unpack(plain) };
}

function unpack(plain: Buffer): PackageFile[] {
  const bad = (): Error => new Error('the decrypted package is malformed');
  if (plain.length < 4) throw bad();
  const n = plain.readUInt32BE(0);
  let index: unknown;
  try {
    index = JSON.parse(plain.subarray(4, 4 + n).toString('utf8'));
  } catch {
    throw bad();
  }
  const parsed = z.array(z.object({ path: z.string(), bytes: z.number().int().min(0) })).safeParse(index);
  if (!parsed.success) throw bad();
  let off = 4 + n;
  const files: PackageFile[] = [];
  for (const f of parsed.data) {
    if (off + f.bytes > plain.length) throw bad();
    files.push({ path: f.path, data: plain.subarray(off, off + f.bytes) });
    off += f.bytes;
  }
  if (off !== plain.length) throw bad();
  return files;
}
