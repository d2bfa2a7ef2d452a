import { z } from 'zod';

/**
 * The daemon's local API: the one door to the data for people (the CLI) and programs. A UNIX
 * socket, so who may knock is decided by the file's group; every request still logs in.
 */
export const apiConfigSchema = z
  .object({
    socket: z
      .string()
      .min(1)
      .max(100, 'a UNIX socket path is at most about 100 bytes')
      .default('/run/alpr-edge/api.sock')
      .describe('UNIX socket the daemon listens on (mode 0660). The CLI connects here.'),
    group: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Group given the socket (e.g. alpr-users): its members can reach the login. Unset: the daemon's own group.",
      ),
  })
  .strict()
  .prefault({})
  .describe("The daemon's local API (the CLI is its client).");

export type ApiConfig = z.infer<typeof apiConfigSchema>;
