import { dirname, join } from 'node:path';
import { buildApiServer } from '../../daemon/main.js';
import type { AccessConfig } from '../../daemon/access/config.js';
import { composeHitDelivery } from '../../daemon/compose-delivery.js';
import type { ApiServer } from '../../daemon/api/server.js';
import { ApiClient } from '../../daemon/cli/api-client.js';
import { configSchema } from '../../daemon/config/schema.js';
import { ManualClock, type Clock } from '../../daemon/shared/clock.js';
import { silentLogger } from '../../daemon/shared/logger.js';
import { openDatabase } from '../../daemon/store/database.js';
import { type AuditKey, useAuditKey } from '../../daemon/store/audit-log.js';
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

/**
 * Starts the API as main.ts builds it (its hotlists from composeHitDelivery, not started: no
 * fetch loop), on a ManualClock at NOW unless `clock` is given. `hotlists` is the config section.
 * `file` serves that database file instead of a temp one (left in place), and `auditKey` gives
 * the daemon's handle the audit key, as main.ts does.
 */
export async function startApi<C extends Clock = ManualClock>(
  opts: { access?: Partial<AccessConfig>; clock?: C; hotlists?: unknown; file?: string; auditKey?: AuditKey } = {},
): Promise<ApiRig<C>> {
  const t = opts.file ? openFile(opts.file) : tempDb();
  if (opts.auditKey) useAuditKey(t.db, opts.auditKey);
  const clock = (opts.clock ?? new ManualClock(NOW)) as C;
  const socket = join(t.dir, 'api.sock');
  const config = configSchema.parse({
    unit: { id: 'unit-1' },
    storage: { path: t.dir },
    api: { socket },
    access: opts.access ?? {},
    cameras: [{ id: 'front', name: 'Front', url: 'rtsp://127.0.0.1/x', location: { lat: 39.74, lon: -105.51 } }],
    ...(opts.hotlists ? { hotlists: opts.hotlists } : {}),
  });
  const log = silentLogger();
  const delivery = composeHitDelivery({ config, db: t.db, clock, log, cameraStats: () => [] });
  const server = buildApiServer(config, { db: t.db, clock, log, hotlists: delivery.hotlists });
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

/** An existing database file, shaped like tempDb(); close() closes it and leaves the file. */
function openFile(file: string): ReturnType<typeof tempDb> {
  const db = openDatabase(file, { create: false });
  return { db, dir: dirname(file), file, close: () => db.close() };
}
