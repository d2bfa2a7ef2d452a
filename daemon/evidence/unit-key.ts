import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../shared/errors.js';

/** The file name of the unit key, as a systemd credential (`LoadCredential=unit-key:...`) and in the state folder. */
export const UNIT_KEY_CREDENTIAL = 'unit-key';
export const UNIT_KEY_FILE = 'unit-key.pem';

/** The unit's Ed25519 key pair: it signs every evidence package's manifest. */
export interface UnitKey {
  /** Where the private key came from (a path), for the log. */
  readonly source: string;
  /** SPKI PEM, what `alpr-edge unit key` prints and `evidence verify --pubkey` reads. */
  readonly publicKeyPem: string;
  /** SHA-256 of the public key's DER (SPKI) bytes, lowercase hex. */
  readonly fingerprint: string;
  /** Ed25519 signature over `data`. */
  sign(data: Buffer): Buffer;
}

/** SHA-256 of the key's DER (SPKI) bytes: `openssl pkey -pubin -in unit.pub -outform DER | sha256sum` gives the same. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** True when `signature` is `publicKey`'s Ed25519 signature over `data`. */
export function verifySignature(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

/** Reads an Ed25519 public key (PEM); throws an Error that says what is wrong with the file. */
export function readPublicKey(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the public key ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new Error(`${file} is not a PEM public key (get the unit's with: alpr-edge unit key)`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${file} is a ${key.asymmetricKeyType ?? 'unknown'} key, not the unit's Ed25519 key`);
  return key;
}

export interface UnitKeyLocation {
  /** `evidence.unit_key_file` when set: used (and created on first start) instead of the default. */
  file?: string | undefined;
  /** The daemon's state folder (storage.path): the key is created here on first start. */
  stateDir: string;
  /** systemd's $CREDENTIALS_DIRECTORY; a `unit-key` there wins over the state folder. */
  credentialsDir?: string | undefined;
}

/**
 * Loads the unit key: the configured file, else the systemd credential `unit-key`, else
 * `unit-key.pem` in the state folder. A configured or state-folder key that does not exist yet is
 * created (mode 0600, O_EXCL); one readable by group or others is refused, as is anything that
 * is not an Ed25519 private key. A credential is never created (systemd provides it).
 */
export function loadUnitKey(where: UnitKeyLocation): UnitKey {
  // A key the daemon cannot use will not fix itself: a ConfigError exits 78, so systemd stops retrying.
  try {
    return locateUnitKey(where);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function locateUnitKey(where: UnitKeyLocation): UnitKey {
  if (!where.file && where.credentialsDir) {
    const cred = join(where.credentialsDir, UNIT_KEY_CREDENTIAL);
    if (exists(cred)) return fromPem(cred, readKeyFile(cred));
  }
  const file = where.file ?? join(where.stateDir, UNIT_KEY_FILE);
  if (!exists(file)) createKeyFile(file);
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077)
    throw new Error(
      `the unit key ${file} is readable by others (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 it`,
    );
  return fromPem(file, readKeyFile(file));
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the unit key ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

function createKeyFile(file: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  let fd: number;
  try {
    // A configured key folder that does not exist yet is made private, as the state folder is.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    throw new Error(`cannot create the unit key ${file}: ${(err as NodeJS.ErrnoException).code ?? 'failed'}`);
  }
  try {
    writeSync(fd, pem);
  } finally {
    closeSync(fd);
  }
}

function fromPem(source: string, pem: string): UnitKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`the unit key ${source} is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`the unit key ${source} is a ${privateKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return {
    source,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    fingerprint: keyFingerprint(publicKey),
    sign: (data) => sign(null, data, privateKey),
  };
}
