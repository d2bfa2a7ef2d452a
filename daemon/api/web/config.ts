import { z } from 'zod';

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** Splits `host:port` (`[::1]:8443` for IPv6); undefined when it is not one. */
export function parseListen(listen: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(listen);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65_535) return undefined;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port };
}

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\./.test(host);
}

/**
 * The in-car page: the daemon serves it and its routes (/api/web/*) on this address, through
 * the same audited path as the local API. Off unless `listen` is set; TLS is required unless the
 * address is loopback (a browser on the unit itself).
 */
export const webConfigSchema = z
  .object({
    listen: z
      .string()
      .optional()
      .describe('host:port the page is served on, e.g. 0.0.0.0:8443 or 127.0.0.1:8080. Unset: no page.'),
    tls_cert: z
      .string()
      .min(1)
      .optional()
      .describe('PEM certificate file (alpr-edge web cert makes a self-signed one and prints its fingerprint).'),
    tls_key: z.string().min(1).optional().describe('PEM private key file of tls_cert (mode 0600).'),
    login_attempts_per_minute: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(10)
      .describe('Logins one address may try per minute; more are answered 429 (the account lockout applies too).'),
    view_audit_interval_s: z
      .number()
      .min(1)
      .max(60)
      .default(5)
      .describe('Hits pushed live and crops loaded are recorded in the audit log in one entry per user this often.'),
  })
  .strict()
  .prefault({})
  .superRefine((c, ctx) => {
    if (c.listen === undefined) return;
    const l = parseListen(c.listen);
    if (!l) {
      ctx.addIssue({
        code: 'custom',
        path: ['listen'],
        message: 'give host:port, e.g. 0.0.0.0:8443, 127.0.0.1:8080 or [::1]:8443',
      });
      return;
    }
    if ((c.tls_cert === undefined) !== (c.tls_key === undefined))
      ctx.addIssue({ code: 'custom', path: ['tls_key'], message: 'give both tls_cert and tls_key, or neither' });
    else if (c.tls_cert === undefined && !isLoopback(l.host))
      ctx.addIssue({
        code: 'custom',
        path: ['tls_cert'],
        message: `tls_cert and tls_key are required unless web.listen is a loopback address (127.0.0.1, ::1): the page carries passwords and plates. Make a self-signed pair with \`alpr-edge web cert --out DIR\``,
      });
  })
  .describe('The in-car page, served by the daemon (docs/web-page.md).');

export type WebConfig = z.infer<typeof webConfigSchema>;
