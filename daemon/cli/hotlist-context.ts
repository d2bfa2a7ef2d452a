import { join } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { openDatabase, type Db } from '../store/database.js';
import { systemClock } from '../shared/clock.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { DATABASE_FILE_NAME, DEFAULT_CONFIG_FILE } from '../access/cli-auth.js';
import { cliAuditKey } from '../audit/audit-key.js';
import { useAuditKey } from '../store/audit-log.js';
import { Outbox } from '../alerts/outbox.js';
import { topicsFor } from '../alerts/topics.js';
import { mqttConfigSchema } from '../alerts/config.js';
import { hotlistConfigSchema, type HotlistConfig } from '../hotlist/config.js';
import { HitRecorder } from '../hotlist/hit-recorder.js';
import { HotlistService } from '../hotlist/hotlist-service.js';

/** What the hotlist subcommands work with: the unit's database and a HotlistService that is loaded, not started. */
export interface HotlistCliContext {
  db: Db;
  config: HotlistConfig;
  service: HotlistService;
  close(): void;
}

/**
 * Opens the unit's database and hotlists the way the daemon does, so a CLI sync writes the same
 * cache and version records the daemon reads, and a local entry's retrospective hits go into the
 * same outbox (the daemon's publisher sends them within a second). `--db FILE` uses defaults.
 */
export async function openHotlistContext(
  values: Record<string, string>,
  opts: { loadLists?: boolean } = {},
): Promise<HotlistCliContext> {
  const log: Logger = createLogger(values['log-level'] ?? 'warn', undefined);
  let db: Db;
  let hotlists: HotlistConfig;
  let storagePath: string;
  let unitId = 'unit';
  let mqtt = mqttConfigSchema.parse(undefined);
  let cameraNames = new Map<string, string>();
  let keyFile: string | undefined;
  if (values.db) {
    db = openDatabase(values.db);
    hotlists = hotlistConfigSchema.parse(undefined);
    storagePath = join(values.db, '..');
  } else {
    const config = loadConfigFile(values.config ?? DEFAULT_CONFIG_FILE);
    db = openDatabase(join(config.storage.path, DATABASE_FILE_NAME));
    hotlists = config.hotlists;
    storagePath = config.storage.path;
    unitId = config.unit.id;
    mqtt = config.mqtt;
    cameraNames = new Map(config.cameras.map((c) => [c.id, c.name]));
    keyFile = config.access.audit_key_file;
  }
  // Local-entry changes are audited, and a keyed log takes only keyed entries (see cli-auth.ts).
  try {
    const key = cliAuditKey(values['audit-key'], keyFile);
    if (key) useAuditKey(db, key);
  } catch (err) {
    db.close();
    throw err;
  }
  const service = new HotlistService({ db, config: hotlists, storagePath, clock: systemClock, log });
  const recorder = new HitRecorder({
    db,
    lists: service,
    outbox: new Outbox(db),
    topics: topicsFor(mqtt.topic_prefix, unitId),
    unitId,
    clock: systemClock,
    log,
    staleAfterMs: hotlists.stale_after_h * 3_600_000,
    includeCrop: mqtt.include_crop,
    cameraName: (id) => cameraNames.get(id) ?? id,
  });
  service.useRecorder(recorder);
  // Local-entry commands need no list files; parsing a 1,000,000-row cache would only slow them.
  if (opts.loadLists !== false) await service.load();
  return { db, config: hotlists, service, close: () => db.close() };
}
