import { z } from 'zod';
import { configSchema } from './schema.js';
import { renderExampleYaml } from './example-yaml.js';
import { exampleHeader, exampleValues, mobileUnitExample } from './examples.js';

/** The files generated from the schema, by name under config/. */
export function renderConfigFiles(): Record<string, string> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return {
    'alpr-edge.schema.json': `${JSON.stringify({ ...schema, title: 'alpr-edge unit configuration' }, null, 2)}\n`,
    'alpr-edge.example.yaml': renderExampleYaml(schema as never, exampleValues, exampleHeader, mobileUnitExample),
  };
}
