import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { CliCommand } from './command.js';
import { parseFlags } from './flags.js';

const HELP = `usage: alpr-edge web cert --out DIR [--name HOST] [--ip ADDR[,ADDR...]] [--days N] [--force]
       alpr-edge web fingerprint --cert FILE

cert: makes a self-signed certificate for the in-car page (openssl; EC P-256), writes DIR/web.crt
and DIR/web.key (mode 0600), and prints its SHA-256 fingerprint. Pin that fingerprint on the
in-car computer (or compare it when the browser asks), then set in the config:
  web: { listen: 0.0.0.0:8443, tls_cert: DIR/web.crt, tls_key: DIR/web.key }
The certificate names HOST (default: this machine's name) and each --ip; it lasts --days (default
825). Refuses to overwrite existing files without --force.

fingerprint: prints the SHA-256 fingerprint of a certificate file (e.g. one from the agency's CA).`;

/** The SHA-256 fingerprint of a PEM certificate, as browsers show it (AA:BB:...). */
export function certFingerprint(pem: string | Buffer): string {
  return new X509Certificate(pem).fingerprint256;
}

/** `alpr-edge web`: the in-car page's certificate. Runs on the unit, without the daemon. */
export const webCommand: CliCommand = {
  name: 'web',
  summary: "the in-car page's TLS certificate: make a self-signed one, print a fingerprint",
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    const { values, switches } = parseFlags(rest, {
      values: ['out', 'name', 'ip', 'days', 'cert'],
      switches: ['force'],
    });
    if (action === 'fingerprint') {
      if (!values.cert) throw new Error('give --cert FILE');
      io.out(`SHA-256 fingerprint: ${certFingerprint(readFileSync(values.cert))}`);
      return 0;
    }
    if (action !== 'cert') throw new Error(`unknown action "${action ?? ''}" (see alpr-edge web --help)`);
    if (!values.out) throw new Error('give --out DIR (e.g. /etc/alpr-edge/tls)');
    const name = values.name ?? hostname();
    if (!/^[A-Za-z0-9.-]{1,253}$/.test(name)) throw new Error(`--name "${name}" is not a host name`);
    const ips = (values.ip ?? '127.0.0.1')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const ip of ips) if (!isIP(ip)) throw new Error(`--ip "${ip}" is not an IP address`);
    const days = Number(values.days ?? 825);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error('--days is a whole number from 1 to 3650');
    const cert = join(values.out, 'web.crt');
    const key = join(values.out, 'web.key');
    if (!switches.has('force') && (existsSync(cert) || existsSync(key)))
      throw new Error(`${cert} or ${key} exists; give --force to replace them`);
    mkdirSync(values.out, { recursive: true, mode: 0o755 });
    const san = [`DNS:${name}`, 'DNS:localhost', ...ips.map((ip) => `IP:${ip}`)].join(',');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        String(days),
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    chmodSync(key, 0o600);
    chmodSync(cert, 0o644);
    io.out(`wrote ${cert} and ${key} (mode 0600), valid ${days} days for ${san.replaceAll(',', ', ')}`);
    io.out(`SHA-256 fingerprint: ${certFingerprint(readFileSync(cert))}`);
    io.out(`config: web: { listen: 0.0.0.0:8443, tls_cert: ${cert}, tls_key: ${key} }`);
    return 0;
  },
};
