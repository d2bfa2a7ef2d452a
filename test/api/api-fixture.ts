import { join } from 'node:path';
import { buildApiServer } from '../../daemon/main.js';
import { defaultAccessConfig, type AccessConfig } from '../../daemon/access/config.js';
import { storageConfigSchema } from '../../daemon/storage/config.js';
import { apiConfigSchema } from '../../daemon/api/config.js';
import type { ApiServer } from '../../daemon/api/server.js';
import { ApiClient } from '../../daemon/cli/api-client.js';
import { ManualClock, type Clock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { PASSWORD, NOW, tempDb } from '../policy/fixture.js';

/** The daemon's local API on a temp socket over a temp database (real SQLite, real socket), on a clock the test moves. */
export interface ApiRig<C extends Clock = ManualClock> {
  t: ReturnType<typeof tempDb>;
  clock: C;
  server: ApiServer;
  socket: string;
  /** A client logged in as `user` (password PASSWORD). */
  as(user: string): Promise<ApiClient>;
  close(): Promise<void>;
}

/** Starts the API; on a ManualClock at NOW unless `clock` is given. */
export async function startApi<C extends Clock = ManualClock>(
  opts: { access?: Partial<AccessConfig>; clock?: C } = {},
): Promise<ApiRig<C>> {
  const t = tempDb();
  const clock = (opts.clock ?? new ManualClock(NOW)) as C;
  const socket = join(t.dir, 'api.sock');
  const server = buildApiServer(
    {
      api: apiConfigSchema.parse({ socket }),
      access: { ...defaultAccessConfig, ...opts.access },
      unit: { id: 'unit-1', name: '', agency: "Clear Creek County Sheriff's Office", mobile: false },
      storage: storageConfigSchema.parse({ path: t.dir }),
    },
    { db: t.db, clock, log: silentLogger() },
  );
  await server.start(new AbortController().signal);
  return {
    t,
    clock,
    server,
    socket,
    async as(user) {
      const c = new ApiClient(socket);
      await c.login(user, PASSWORD);
      return c;
    },
    async close() {
      await server.stop();
      t.close();
    },
  };
}
