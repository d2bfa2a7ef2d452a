import { loadConfigFile, processSecrets } from '../config/load.js';
import { readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { manifestModelCatalog } from '../config/model-catalog.js';
import { loadDispatchConfig } from '../dispatch/config.js';
import { stripCredentials } from '../shared/redact.js';
import type { CliCommand } from './command.js';
import { parseFlags } from './flags.js';

export const checkConfigCommand: CliCommand = {
  name: 'check-config',
  summary: 'validate a config file and list every problem with its line',
  help: `usage: alpr-edge check-config FILE

Reads FILE, expands \${NAME} secrets from the environment or systemd credentials, and validates it
against the schema, and checks that the model names in vision: are in the models manifest. A
dispatch console's file (one with console: at the top, dispatch.yaml) is checked against the
console's schema instead. Prints
every problem as FILE:LINE key.path: message and exits 78, or prints a summary and exits 0. A file
that is not a config is said to be one, without its content being printed.`,
  async run(args, io) {
    const { positional } = parseFlags(args, {});
    const file = positional[0];
    if (!file) throw new Error('give the config file to check: alpr-edge check-config /etc/alpr-edge/config.yaml');
    if (isDispatchConfig(file)) {
      const d = loadDispatchConfig(file, processSecrets);
      io.out(`${file}: OK — dispatch console "${d.console.id}", broker ${stripCredentials(d.broker.url)}`);
      return 0;
    }
    const config = loadConfigFile(file, processSecrets, { models: manifestModelCatalog });
    io.out(
      `${file}: OK — unit "${config.unit.id}", ${config.cameras.length} camera(s): ${config.cameras.map((c) => c.id).join(', ')}`,
    );
    return 0;
  },
};

/** A dispatch console's file has `console:` at the top and no `unit:`; anything unreadable is left to the unit's loader to name. */
function isDispatchConfig(file: string): boolean {
  try {
    const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: false });
    if (doc.errors.length || !isMap(doc.contents)) return false;
    return doc.contents.has('console') && !doc.contents.has('unit');
  } catch {
    return false;
  }
}
