import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../shared/errors.js';
import { configSchema, type EdgeConfig } from './schema.js';

/** Where `${NAME}` values come from: the environment, then systemd credentials ($CREDENTIALS_DIRECTORY/NAME). */
export interface SecretSource {
  get(name: string): string | undefined;
}

export const processSecrets: SecretSource = {
  get(name) {
    const fromEnv = process.env[name];
    if (fromEnv !== undefined) return fromEnv;
    const dir = process.env.CREDENTIALS_DIRECTORY;
    if (!dir) return undefined;
    try {
      return readFileSync(join(dir, name), 'utf8').trim();
    } catch {
      return undefined;
    }
  },
};

/** Reads, expands and validates a config file; throws ConfigError listing every problem with its line. */
export function loadConfigFile(file: string, secrets: SecretSource = processSecrets): EdgeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read config: ${(err as Error).message}`);
  }
  return parseConfigText(text, file, secrets);
}

export function parseConfigText(text: string, file: string, secrets: SecretSource = processSecrets): EdgeConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: string[] = [];
  for (const e of doc.errors) {
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    problems.push(`${file}:${line}: YAML syntax: ${e.message.split('\n')[0]}`);
  }
  if (problems.length) throw new ConfigError(problems.join('\n'), problems);

  const raw: unknown = doc.toJS() ?? {};
  const lineOf = (path: (string | number)[]): number | undefined => {
    let node: Node | null | undefined = doc.contents as Node | null;
    let found = node;
    for (const key of path) {
      if (isMap(node)) node = node.get(key, true) as Node | undefined;
      else if (isSeq(node)) node = node.get(Number(key), true) as Node | undefined;
      else break;
      if (!node) break;
      found = node;
      // A key's own line reads better than its value's for maps and lists.
      if (isMap(node) || isSeq(node) || isScalar(node)) found = node;
    }
    const offset = found?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };

  const expanded = expandSecrets(raw, [], secrets, (path, name) => {
    problems.push(
      `${file}:${lineOf(path) ?? '?'} ${fmtPath(path)}: \${${name}} is not set in the environment or in systemd credentials`,
    );
  });

  const result = configSchema.safeParse(expanded);
  if (!result.success) problems.push(...formatIssues(result.error.issues, file, lineOf, raw));
  if (problems.length || !result.success) {
    throw new ConfigError(`${file}: ${problems.length} problem(s) in the config:\n${problems.join('\n')}`, problems);
  }
  return result.data;
}

function formatIssues(
  issues: z.core.$ZodIssue[],
  file: string,
  lineOf: (p: (string | number)[]) => number | undefined,
  raw: unknown,
): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const p = [...path, key];
        out.push(
          `${file}:${lineOf(p) ?? '?'} ${fmtPath(p)}: unknown key (check spelling; see config/alpr-edge.example.yaml)`,
        );
      }
      continue;
    }
    const value = valueAt(raw, path);
    const shown = value === undefined ? '' : ` (got ${JSON.stringify(redactIfSecret(path, value))})`;
    out.push(`${file}:${lineOf(path) ?? '?'} ${fmtPath(path) || '(top level)'}: ${issue.message}${shown}`);
  }
  return out;
}

function redactIfSecret(path: (string | number)[], value: unknown): unknown {
  const last = String(path[path.length - 1] ?? '');
  if (/pass|secret|token|key/i.test(last)) return '***';
  if (typeof value === 'string') return value.replace(/(:\/\/[^/@\s:]+):[^/@\s]*@/, '$1:***@');
  return value;
}

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v && typeof v === 'object') v = (v as Record<string | number, unknown>)[k];
    else return undefined;
  }
  return v;
}

export function fmtPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Replaces `${NAME}` in every string with the secret's value; missing names are reported, not thrown. */
function expandSecrets(
  v: unknown,
  path: (string | number)[],
  secrets: SecretSource,
  missing: (path: (string | number)[], name: string) => void,
): unknown {
  if (typeof v === 'string') {
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const s = secrets.get(name);
      if (s === undefined) {
        missing(path, name);
        return '';
      }
      return s;
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => expandSecrets(x, [...path, i], secrets, missing));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expandSecrets(x, [...path, k], secrets, missing)]));
  }
  return v;
}
