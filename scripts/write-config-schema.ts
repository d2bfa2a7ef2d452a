// Writes config/alpr-edge.schema.json and config/alpr-edge.example.yaml from the zod schema (the
// single source of truth). Run `npm run schema` after changing any config section; a test fails
// while either file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigFiles } from '../daemon/config/json-schema.js';

for (const [name, text] of Object.entries(renderConfigFiles())) {
  const target = fileURLToPath(new URL(`../config/${name}`, import.meta.url));
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
