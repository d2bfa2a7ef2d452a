import { isIP } from 'node:net';
import { z } from 'zod';

/** `host:port` with a loopback host (127.0.0.0/8, ::1 in brackets, localhost); undefined when it is not one. */
export function parseLoopbackListen(s: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  const loopback =
    host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || (isIP(host) === 6 && host === '::1');
  return loopback ? { host: host === 'localhost' ? '127.0.0.1' : host, port } : undefined;
}

export const metricsConfigSchema = z
  .object({
    listen: z
      .string()
      .default('')
      .refine((s) => s === '' || parseLoopbackListen(s) !== undefined, {
        message:
          'must be a loopback address and port, e.g. 127.0.0.1:9464 or [::1]:9464: the metrics are served without a login, so only programs on the unit (a Prometheus agent or node exporter) may reach them',
      })
      .describe(
        'Serve GET /metrics (Prometheus text format) on this loopback address, e.g. 127.0.0.1:9464. Empty: off. Another host is refused.',
      ),
  })
  .strict()
  .prefault({})
  .describe("Prometheus metrics of the unit's cameras, reads, hits, outbox, lists, broker and disk.");

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
