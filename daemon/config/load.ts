import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, visit, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../shared/errors.js';
import { visionConfigSchema } from '../vision/config.js';
import { clip, describeValue, fmtPath, looksLikeConfigKey, redactIfSecret } from './messages.js';
import { type ModelCatalog, modelNameProblems } from './model-names.js';
import { configSchema, type EdgeConfig } from './schema.js';
import { decodeConfig, nestingProblem, readConfigBytes, textProblem } from './text-checks.js';

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

/** What a config is checked against besides its schema. */
export interface ConfigCheckOptions {
  /**
   * Model names (`vision.detector`, `vision.reader`, `vision.plate_syntax`) must be in this
   * catalog: the daemon and `check-config` pass the real manifest (config/model-catalog.ts).
   */
  models?: ModelCatalog;
}

/** Problems listed at most; a file that is not a config at all would otherwise fill the screen. */
const MAX_PROBLEMS = 50;

/** Alias uses allowed while building values: a "billion laughs" document needs far more. */
const MAX_ALIAS_COUNT = 100;

/** The top-level keys of a config; a mapping with none of them is some other file. */
const TOP_LEVEL_KEYS = Object.keys(configSchema.shape);

/**
 * Reads, expands and validates a config file. Every failure, whatever the file holds, is a
 * ConfigError listing each problem as `FILE:LINE ...` (main.ts exits 78 on it: systemd does not
 * restart into the same bad file).
 */
export function loadConfigFile(
  file: string,
  secrets: SecretSource = processSecrets,
  options: ConfigCheckOptions = {},
): EdgeConfig {
  let bytes: Buffer;
  try {
    bytes = readConfigBytes(file);
  } catch (err) {
    throw new ConfigError(`${file}: cannot read config: ${clip((err as Error).message)}`);
  }
  const decoded = decodeConfig(bytes, file);
  if ('problem' in decoded) throw configError(file, [decoded.problem]);
  return parseConfigText(decoded.text, file, secrets, options);
}

/** parseConfigText for text already in memory; throws only ConfigError. */
export function parseConfigText(
  text: string,
  file: string,
  secrets: SecretSource = processSecrets,
  options: ConfigCheckOptions = {},
): EdgeConfig {
  try {
    return parseChecked(text, file, secrets, options);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // Whatever a check below did not foresee still stops the daemon as a config problem (exit 78), never as a crash.
    throw configError(file, [
      `${file}:1: cannot load the config: ${clip(`${(err as Error).name}: ${(err as Error).message}`)}`,
    ]);
  }
}

function parseChecked(text: string, file: string, secrets: SecretSource, options: ConfigCheckOptions): EdgeConfig {
  const early = textProblem(text, file) ?? nestingProblem(text, file);
  if (early) throw configError(file, [early]);

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const problems: string[] = [];
  for (const e of doc.errors) {
    const line = e.linePos?.[0]?.line ?? lineAt(e.pos[0]);
    problems.push(`${file}:${line}: YAML syntax: ${syntaxMessage(e.message)}`);
  }
  if (problems.length) throw configError(file, problems);

  const shape = notAConfig(doc.contents, file, lineAt);
  if (shape) throw configError(file, [shape]);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (err) {
    // Aliases are the only way toJS fails on a parsed document: name the first one.
    let line = 1;
    visit(doc, {
      Alias(_key, node) {
        line = lineAt(node.range?.[0]);
        return visit.BREAK;
      },
    });
    throw configError(file, [
      `${file}:${line}: YAML aliases: ${clip((err as Error).message)} (write the values out instead of repeating aliases)`,
    ]);
  }
  const lineOf = (path: (string | number)[]): number => {
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
    return lineAt(found?.range?.[0]);
  };

  const expanded = expandSecrets(raw, [], secrets, (path, name) => {
    problems.push(
      `${file}:${lineOf(path)} ${fmtPath(path)}: \${${name}} is not set in the environment or in systemd credentials`,
    );
  });

  const result = configSchema.safeParse(expanded);
  if (!result.success) problems.push(...formatIssues(result.error.issues, file, lineOf, raw));
  if (options.models) {
    // Checked even when other keys are wrong, so one run of check-config lists everything.
    const vision = visionConfigSchema.safeParse(valueAt(expanded, ['vision']));
    if (vision.success)
      problems.push(...modelNameProblems(vision.data, options.models, (key) => `${file}:${lineOf(['vision', key])}`));
  }
  if (problems.length || !result.success) throw configError(file, problems);
  return result.data;
}

/**
 * The parser's message without the text it quotes after a colon ("Unresolved tag: !x", "Block
 * scalar header includes extra characters: ..."): the file may be anything, and the line number
 * says where to look.
 */
function syntaxMessage(message: string): string {
  const colon = message.indexOf(': ');
  return clip(colon > 0 ? message.slice(0, colon) : message);
}

/** A ConfigError over `problems`, at most MAX_PROBLEMS of them, each line starting with FILE:LINE. */
function configError(file: string, problems: string[]): ConfigError {
  let list = problems;
  if (problems.length > MAX_PROBLEMS) {
    const rest = problems.length - MAX_PROBLEMS;
    const line = /^.*?:(\d+)/.exec(problems[MAX_PROBLEMS]!.slice(file.length))?.[1] ?? '1';
    list = [...problems.slice(0, MAX_PROBLEMS), `${file}:${line}: … and ${rest} more problem(s) not listed`];
  }
  return new ConfigError(`${file}: ${problems.length} problem(s) in the config:\n${list.join('\n')}`, list);
}

/**
 * A problem when the document is plainly some other file: no mapping at the top, or a mapping
 * whose top-level keys are mostly not config keys. Said without quoting the file, which may hold
 * anything (check-config pointed at /etc/shadow must not print its password hashes).
 */
function notAConfig(contents: unknown, file: string, lineAt: (offset: number | undefined) => number): string | null {
  const expected = 'expected keys such as unit, cameras, storage, mqtt, ...; see config/alpr-edge.example.yaml';
  if (contents === null || contents === undefined)
    return `${file}:1: the file is empty (or holds only comments); a config needs at least unit: and cameras: (see config/alpr-edge.example.yaml)`;
  const at = (n: unknown) => lineAt((n as Node).range?.[0]);
  if (!isMap(contents)) {
    const what = isSeq(contents)
      ? 'a list'
      : isScalar(contents)
        ? typeof contents.value === 'string'
          ? 'text'
          : `a ${contents.value === null ? 'null' : typeof contents.value}`
        : 'an alias';
    return `${file}:${at(contents)}: not an alpr-edge config: the file holds ${what} where a config is a mapping (${expected})`;
  }
  const total = contents.items.length;
  const known = contents.items.filter((pair) => {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    return typeof key === 'string' && TOP_LEVEL_KEYS.includes(key);
  }).length;
  // A real config with a misspelt section or two still has mostly known keys; its unknown keys are
  // then listed one by one (those that look like config keys by name).
  if (known * 2 >= total) return null;
  return `${file}:${at(contents)}: not an alpr-edge config: ${total - known} of its ${total} top-level key(s) are not config keys (${expected})`;
}

function formatIssues(
  issues: z.core.$ZodIssue[],
  file: string,
  lineOf: (p: (string | number)[]) => number,
  raw: unknown,
): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const p = [...path, key];
        out.push(
          looksLikeConfigKey(key)
            ? `${file}:${lineOf(p)} ${fmtPath(p)}: unknown key (check spelling; see config/alpr-edge.example.yaml)`
            : `${file}:${lineOf(p)} ${fmtPath(p)}: unknown key (config keys are lower_snake_case; see config/alpr-edge.example.yaml)`,
        );
      }
      continue;
    }
    const value = valueAt(raw, path);
    const shown = value === undefined ? '' : ` (got ${describeValue(redactIfSecret(path, value))})`;
    out.push(`${file}:${lineOf(path)} ${fmtPath(path) || '(top level)'}: ${clip(issue.message, 300)}${shown}`);
  }
  return out;
}

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v && typeof v === 'object' && Object.hasOwn(v, k)) v = (v as Record<string | number, unknown>)[k];
    else return undefined;
  }
  return v;
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
