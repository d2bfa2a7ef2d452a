import { DEFAULT_WEB_DIR, unitWebHealth, type WebHealthSources } from './api/web/web-health.js';
import { type LivePort, WebServer } from './api/web/web-server.js';
import type { EdgeConfig } from './config/schema.js';
import type { AccessParts } from './compose-access.js';
import type { Clock } from './shared/clock.js';
import type { Logger } from './shared/logger.js';

/**
 * The in-car page over the daemon's access parts and clock, or undefined when web.listen is
 * unset. main.ts starts it with the other services and passes new hits to `server.live.notify()`.
 */
export function composeWebServer(
  config: Pick<EdgeConfig, 'web' | 'access' | 'unit' | 'cameras' | 'hotlists' | 'storage' | 'health'>,
  deps: {
    people: AccessParts;
    clock: Clock;
    log: Logger;
    sources: WebHealthSources;
    webDir?: string;
    liveViews?: LivePort | undefined;
  },
): WebServer | undefined {
  if (!config.web.listen) return undefined;
  const { people, clock } = deps;
  const names = new Map(config.cameras.map((c) => [c.id, c.name]));
  return new WebServer({
    config: config.web,
    sessionMinutes: config.access.session_minutes,
    authenticator: people.authenticator,
    log: deps.log.child({ component: 'web' }),
    webDir: deps.webDir ?? DEFAULT_WEB_DIR,
    liveViews: deps.liveViews,
    clock,
    access: people.access,
    page: people.page,
    passwords: people.users,
    site: {
      unit: { id: config.unit.id, name: config.unit.name || config.unit.id },
      cameraName: (id) => names.get(id) ?? id,
      staleAfterMs: config.hotlists.stale_after_h * 3_600_000,
    },
    cameras: config.cameras.filter((c) => c.enabled).map((c) => ({ id: c.id, name: c.name })),
    health: unitWebHealth(config, deps.sources, clock),
  });
}
