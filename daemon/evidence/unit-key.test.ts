import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { keyFingerprint, loadUnitKey, readPublicKey, verifySignature } from './unit-key.js';

describe('the unit key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'alpr-unit-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created 0600 in the state folder on first start and is the same key afterwards', () => {
    const first = loadUnitKey({ stateDir: dir });
    expect(first.source).toBe(join(dir, 'unit-key.pem'));
    expect(statSync(first.source).mode & 0o777).toBe(0o600);
    const again = loadUnitKey({ stateDir: dir });
    expect(again.fingerprint).toBe(first.fingerprint);
    const pub = createPublicKey(again.publicKeyPem);
    expect(keyFingerprint(pub)).toBe(first.fingerprint);
    expect(verifySignature(pub, Buffer.from('manifest'), first.sign(Buffer.from('manifest')))).toBe(true);
    expect(verifySignature(pub, Buffer.from('manifest!'), first.sign(Buffer.from('manifest')))).toBe(false);
  });

  it('comes from the systemd credential when there is one, which is never created', () => {
    const creds = join(dir, 'creds');
    mkdirSync(creds);
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(creds, 'unit-key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o400 });
    const k = loadUnitKey({ stateDir: dir, credentialsDir: creds });
    expect(k.source).toBe(join(creds, 'unit-key'));
    expect(k.fingerprint).toBe(keyFingerprint(createPublicKey(privateKey)));
    expect(readdirSync(dir).sort()).toEqual(['creds']);
    expect(loadUnitKey({ stateDir: dir, credentialsDir: join(dir, 'empty') }).source).toBe(join(dir, 'unit-key.pem'));
  });

  it('comes from evidence.unit_key_file when set, created there if missing', () => {
    const file = join(dir, 'elsewhere.pem');
    expect(loadUnitKey({ stateDir: dir, file, credentialsDir: dir }).source).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a key others can read, and a key that is not Ed25519', () => {
    const k = loadUnitKey({ stateDir: dir });
    chmodSync(k.source, 0o644);
    // A config problem: the daemon exits 78 and systemd does not restart it into the same refusal.
    expect(() => loadUnitKey({ stateDir: dir })).toThrow(ConfigError);
    expect(() => loadUnitKey({ stateDir: dir })).toThrow(
      `the unit key ${k.source} is readable by others (mode 0644): chmod 600 it`,
    );
    const rsa = join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(rsa, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    expect(() => loadUnitKey({ stateDir: dir, file: rsa })).toThrow(`the unit key ${rsa} is a rsa key, not Ed25519`);
    expect(() => readPublicKey(rsa)).toThrow(`${rsa} is a rsa key, not the unit's Ed25519 key`);
    writeFileSync(join(dir, 'junk.pem'), 'not a key');
    expect(() => readPublicKey(join(dir, 'junk.pem'))).toThrow(/is not a PEM public key/);
  });
});
