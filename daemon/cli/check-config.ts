import { loadConfigFile, processSecrets } from '../config/load.js';
import { manifestModelCatalog } from '../config/model-catalog.js';
import type { CliCommand } from './command.js';
import { parseFlags } from './flags.js';

export const checkConfigCommand: CliCommand = {
  name: 'check-config',
  summary: 'validate a config file and list every problem with its line',
  help: `usage: alpr-edge check-config FILE

Reads FILE, expands \${NAME} secrets from the environment or systemd credentials, and validates it
against the schema, and checks that the model names in vision: are in the models manifest. Prints
every problem as FILE:LINE key.path: message and exits 78, or prints a summary and exits 0. A file
that is not a config is said to be one, without its content being printed.`,
  async run(args, io) {
    const { positional } = parseFlags(args, {});
    const file = positional[0];
    if (!file) throw new Error('give the config file to check: alpr-edge check-config /etc/alpr-edge/config.yaml');
    const config = loadConfigFile(file, processSecrets, { models: manifestModelCatalog });
    io.out(
      `${file}: OK — unit "${config.unit.id}", ${config.cameras.length} camera(s): ${config.cameras.map((c) => c.id).join(', ')}`,
    );
    return 0;
  },
};
