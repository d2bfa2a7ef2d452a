/**
 * The demo unit's config: the bundled drive-by clip as its camera, state under var/demo/, and
 * optionally a one-entry demo hotlist and an MQTT broker. Used by `npm run demo` and by
 * `npm start` without --config.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ephemeralAuditKey } from './make-audit-key.js';

export interface ClipTruth {
  file: string;
  width: number;
  height: number;
  duration_s: number;
  vehicles: { plate: string; state: string }[];
}

const root = join(import.meta.dirname, '..');
export const demoState = join(root, 'var', 'demo');

export function demoTruth(): ClipTruth {
  return JSON.parse(readFileSync(join(root, 'test-fixtures', 'drive-by.json'), 'utf8')) as ClipTruth;
}

/** Writes var/demo/config.yaml (emptying var/demo first) and returns its path. */
export function writeDemoConfig(opts: {
  brokerUrl?: string;
  hotlistPlate?: { plate: string; state: string };
  loop?: boolean;
}): string {
  const truth = demoTruth();
  rmSync(demoState, { recursive: true, force: true });
  mkdirSync(demoState, { recursive: true, mode: 0o700 });
  let hotlists = '';
  if (opts.hotlistPlate) {
    const file = join(demoState, 'demo-hotlist.csv');
    writeFileSync(
      file,
      'plate,state,category,reason,source,nic,entered,expires,priority,notes\n' +
        `${opts.hotlistPlate.plate},${opts.hotlistPlate.state},stolen_vehicle,Stolen vehicle (demo entry),DEMO,V000000001,2026-01-01,,1,Demo list\n`,
    );
    hotlists = `hotlists:\n  sources:\n    - id: demo\n      format: csv\n      file: ${JSON.stringify(file)}\n`;
  }
  const mqtt = opts.brokerUrl
    ? `mqtt:\n  enabled: true\n  url: ${JSON.stringify(opts.brokerUrl)}\n  topic_prefix: alpr\n`
    : '';
  const configFile = join(demoState, 'config.yaml');
  writeFileSync(
    configFile,
    `# Written by scripts/demo-config.ts: the bundled clip as a camera; everything else at its
# defaults (config/alpr-edge.example.yaml documents every key).
unit:
  id: demo
  name: Demo unit (synthetic drive-by clip)
storage:
  path: ${JSON.stringify(demoState)}
api:
  # The demo runs as you: its API socket sits with its data (try: alpr-edge search --socket ...).
  socket: ${JSON.stringify(join(demoState, 'api.sock'))}
logging:
  level: info
  log_plates: true
# An ephemeral audit key in the demo folder; a unit gets its key from systemd (docs/install.md).
access:
  audit_key_file: ${JSON.stringify(ephemeralAuditKey(demoState))}
cameras:
  - id: demo-cam
    name: Synthetic drive-by
    url: ${JSON.stringify(join(root, 'test-fixtures', truth.file))}
    fps: 6
    width: ${truth.width}
    height: ${truth.height}
    realtime: true
    loop: ${opts.loop ? 'true' : 'false'}
    location: { text: "Demo road, eastbound", lat: 39.7422, lon: -105.5136 }
${hotlists}${mqtt}`,
  );
  return configFile;
}
