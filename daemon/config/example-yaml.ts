import { stringify } from 'yaml';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
};

/**
 * Renders a documented YAML config from the JSON Schema: every key, its description as a comment,
 * its bounds, and its default (or the example value given for keys without one). Keys that are
 * optional and have no example are shown commented out, so the file documents every key and still
 * loads. config/alpr-edge.example.yaml is written by this (npm run schema).
 */
export function renderExampleYaml(
  schema: JsonSchema,
  examples: Record<string, unknown>,
  header: string,
  footer = '',
): string {
  const lines = header.split('\n').map((l) => (l ? `# ${l}` : '#'));
  lines.push('');
  renderObject(schema, examples, 0, lines, false);
  // A footer is commented out whole: another way to write parts of the file, shown but not loaded.
  if (footer) lines.push('', ...footer.split('\n').map((l) => (l ? `# ${l}` : '#')));
  return `${lines.join('\n')}\n`;
}

function renderObject(
  schema: JsonSchema,
  example: unknown,
  depth: number,
  out: string[],
  commented: boolean,
  listItem = false,
): void {
  const props = schema.properties ?? {};
  const ex = (example ?? {}) as Record<string, unknown>;
  let first = listItem;
  for (const [key, raw] of Object.entries(props)) {
    const prop = unwrap(raw);
    const pad = '  '.repeat(depth);
    const doc = describe(prop);
    if (doc) for (const d of wrap(doc, 96 - pad.length)) out.push(`${pad}# ${d}`);
    const hasExample = key in ex;
    const value = hasExample ? ex[key] : prop.default;
    const required = schema.required?.includes(key) && prop.default === undefined;
    const hide = commented || (!hasExample && prop.default === undefined && !required);
    // The first key of a list item carries the "- " marker (two columns left of the item's keys).
    const lead = first && !hide ? `${'  '.repeat(depth - 1)}- ` : `${pad}${hide ? '# ' : ''}`;
    if (!hide) first = false;
    if (prop.type === 'object' && Object.keys(prop.properties ?? {}).length === 0) {
      out.push(`${lead}${key}: {}`);
      continue;
    }
    if (isObject(prop) && (value === undefined || typeof value === 'object') && !Array.isArray(value)) {
      out.push(`${lead}${key}:`);
      renderObject(prop, value, depth + 1, out, hide);
      continue;
    }
    if (Array.isArray(value) && value.length > 0 && prop.items && isObject(unwrap(prop.items))) {
      out.push(`${lead}${key}:`);
      for (const item of value) renderObject(unwrap(prop.items), item, depth + 2, out, hide, true);
      continue;
    }
    const shown = value === undefined ? placeholder(prop) : inline(value);
    out.push(`${lead}${key}: ${shown}`);
  }
}

function unwrap(s: JsonSchema): JsonSchema {
  if (s.anyOf) return s.anyOf.find((x) => x.type !== 'null') ?? s;
  return s;
}

function isObject(s: JsonSchema): boolean {
  return s.type === 'object' && Boolean(s.properties);
}

function describe(s: JsonSchema): string {
  const parts = [s.description ?? ''];
  if (s.enum) parts.push(`One of: ${s.enum.join(', ')}.`);
  const max = s.maximum !== undefined && s.maximum < 1e12 ? s.maximum : undefined;
  if (s.minimum !== undefined && max === undefined) parts.push(`At least ${s.minimum}.`);
  else if (max !== undefined) parts.push(`Range ${s.minimum ?? '…'}–${max}.`);
  return parts.filter(Boolean).join(' ');
}

function placeholder(s: JsonSchema): string {
  if (s.enum?.length) return String(s.enum[0]);
  if (s.type === 'array') return '[]';
  if (s.type === 'string') return '""';
  if (s.type === 'boolean') return 'false';
  return s.minimum !== undefined ? String(s.minimum) : '0';
}

function inline(v: unknown): string {
  return stringify(v, { flowCollectionPadding: false, collectionStyle: 'flow', lineWidth: 0 }).trim();
}

function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}
