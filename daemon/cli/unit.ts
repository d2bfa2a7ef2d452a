import { ApiClient } from './api-client.js';
import type { CliCommand } from './command.js';
import { parseFlags } from './flags.js';
import { COMMON_HELP } from './format.js';
import { writeNewFile } from './output-file.js';
import { SESSION_FLAGS, socketFrom } from './session.js';

const HELP = `usage: alpr-edge unit key [--out FILE]

key: prints the unit's public key (PEM), which signs every evidence package's manifest, and its
fingerprint (SHA-256 of the key's DER bytes; the audit report prints it too). Give the key to
whoever verifies packages (alpr-edge evidence verify PKG --pubkey FILE), and check the
fingerprint against the audit report. --out FILE writes the PEM to a new file instead. No login
is needed: the key is public.

${COMMON_HELP}`;

export const unitCommand: CliCommand = {
  name: 'unit',
  summary: "print the unit's public key that signs evidence packages, and its fingerprint",
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action !== 'key') throw new Error(`unknown action "${action ?? ''}" (see alpr-edge unit --help)`);
    const { values } = parseFlags(rest, { values: [...SESSION_FLAGS, 'out'] });
    const api = new ApiClient(socketFrom(values));
    await api.probe();
    const k = await api.call('unitKey', undefined);
    if (values.out) {
      writeNewFile(values.out, k.public_key_pem, 0o644);
      io.out(`unit ${k.unit_id} public key written to ${values.out}`);
    } else io.out(k.public_key_pem.trimEnd());
    io.out(`unit ${k.unit_id} key SHA-256 fingerprint: ${k.fingerprint_sha256}`);
    return 0;
  },
};
