import { join } from 'node:path';
import { requireAuditKey } from './audit/audit-key.js';
import { ApiServer } from './api/server.js';
import { SessionTable } from './api/sessions.js';
import { DEFAULT_WEB_DIR } from './api/web/web-health.js';
import { WebRefusal } from './api/web/web-errors.js';
import { WebServer } from './api/web/web-server.js';
import { composeAccess } from './compose-access.js';
import type { Service } from './lifecycle/lifecycle.js';
import { RetentionJob } from './retention/retention-job.js';
import type { Clock } from './shared/clock.js';
import type { Logger } from './shared/logger.js';
import { AuditLog, type AuditKey, useAuditKey } from './store/audit-log.js';
import { type Db, openDatabase } from './store/database.js';
import { DispatchStore, dispatchMigrations } from './store/dispatch-store.js';
import type { DispatchConfig } from './dispatch/config.js';
import { UnitFeed } from './dispatch/unit-feed.js';
import { silenceLimitMs, toWebHealth, toWebUnit, UnitWatch } from './dispatch/units-view.js';

/** The console's database file, in storage.path. */
export const DISPATCH_DB_FILE = 'dispatch.db';

export interface DispatchConsole {
  db: Db;
  store: DispatchStore;
  feed: UnitFeed;
  api: ApiServer;
  /** Undefined when web.listen is unset. */
  web: WebServer | undefined;
  /** In start order; stopped in reverse. */
  services: Service[];
}

/**
 * The dispatch console: the units' hits, status and health from the agency's broker into its own
 * database, and the same page the units serve, in multi-unit mode. The same rooms as a unit's
 * daemon (users, sessions, the audited access path, the audit log with its key, the 21-day purge),
 * with the console's own accounts and its own API socket (one door: the CLI manages its users).
 */
export function buildDispatchConsole(
  config: DispatchConfig,
  deps: { clock: Clock; log: Logger; auditKey?: AuditKey; webDir?: string },
): DispatchConsole {
  const { clock, log } = deps;
  // Without the key the audit log cannot be trusted: refuse to start, as the daemon does.
  const auditKey = deps.auditKey ?? requireAuditKey(config.access.audit_key_file);
  const db = openDatabase(join(config.storage.path, DISPATCH_DB_FILE), { migrations: dispatchMigrations });
  useAuditKey(db, auditKey);
  const store = new DispatchStore(db);
  // The same audited path as a unit's, over the console's own accounts and audit log.
  const { access, authenticator, users, page, bootstrap } = composeAccess(config, { db, clock });
  const api = new ApiServer({
    config: config.api,
    log: log.child({ component: 'api' }),
    db,
    clock,
    access,
    authenticator,
    sessions: new SessionTable(clock, config.access.session_minutes),
    users,
    bootstrap,
    accessConfig: config.access,
    unitId: config.console.id,
    agency: config.console.agency,
    hotlists: undefined,
    unitKey: { stateDir: config.storage.path, credentialsDir: process.env.CREDENTIALS_DIRECTORY },
  });
  const names = config.units.names;
  const limitMs = silenceLimitMs(config.units);
  const units = () => store.units().map((u) => toWebUnit(u, names, limitMs, clock.now()));
  const web = config.web.listen
    ? new WebServer({
        config: config.web,
        sessionMinutes: config.access.session_minutes,
        authenticator,
        log: log.child({ component: 'web' }),
        webDir: deps.webDir ?? DEFAULT_WEB_DIR,
        clock,
        access,
        page,
        passwords: users,
        mode: 'dispatch',
        site: {
          unit: { id: config.console.id, name: config.console.name },
          cameraName: (id) => id,
          staleAfterMs: config.units.stale_after_h * 3_600_000,
          originOf: (readId) => {
            const o = store.originOf(readId);
            return o && { unit: { id: o.unitId, name: names[o.unitId] ?? o.unitId }, cameraName: o.cameraName };
          },
        },
        cameras: [],
        units,
        health: (unitId) => {
          const row = store.units().find((u) => u.id === unitId);
          if (!unitId) throw new WebRefusal(400, 'invalid', 'unit: give the unit (?unit=ID)', { field: 'unit' });
          if (!row) throw new WebRefusal(404, 'not_found', `no unit "${unitId}" has reported`);
          return toWebHealth(row, names);
        },
      })
    : undefined;
  const watch = new UnitWatch({ clock, units, publish: (u) => web?.live.unitChanged(u) });
  const feed = new UnitFeed({
    config: config.broker,
    store,
    clock,
    log: log.child({ component: 'mqtt' }),
    retentionDays: config.retention.days,
    onHit: () => web?.live.notify(),
    onUnit: () => watch.check(),
  });
  const retention = new RetentionJob({
    db,
    clock,
    config: config.retention,
    auditRetentionDays: config.access.audit_retention_days,
    log,
  });
  const services: Service[] = [
    // The database closes last, as every other service may still write while it stops.
    {
      name: 'database',
      start: () => undefined,
      stop: () => {
        db.close();
      },
    },
    {
      name: 'audit key',
      start: () => {
        new AuditLog(db).markKeyInstalled(clock.now());
      },
      stop: () => undefined,
    },
    api,
    { name: 'retention', start: (signal) => retention.start(signal), stop: () => retention.stop() },
    ...(web ? [web] : []),
    watch,
    feed,
  ];
  return { db, store, feed, api, web, services };
}
