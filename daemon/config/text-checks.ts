import { closeSync, openSync, readSync } from 'node:fs';
import { Lexer } from 'yaml';
import { firstInvalidUtf8, lineAndColumn } from '../shared/utf8.js';

/**
 * Checks on a config file's bytes and text that come before YAML parsing, so that a file that is
 * not a config at all (a binary, a huge or hostile file) is refused quickly, with its line, and
 * never reaches the parser's slow or throwing paths. Each returns a problem line or null.
 */

/** Largest config file read. A unit's config is a few KB; a file near this is not one. */
export const CONFIG_MAX_BYTES = 256 * 1024;

/**
 * Deepest nesting of flow collections (`[...]`, `{...}`) parsed. A config nests three or four
 * levels; the YAML parser's time grows with the square of the depth (seconds for 100,000).
 */
export const MAX_FLOW_DEPTH = 32;

/**
 * Reads at most CONFIG_MAX_BYTES + 1 bytes: enough to tell a config from something larger, and
 * safe on a device file that never ends (`check-config /dev/zero`).
 */
export function readConfigBytes(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(CONFIG_MAX_BYTES + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The file's text, or a problem: over the size limit, or not UTF-8 (with the line of the first bad byte). */
export function decodeConfig(bytes: Uint8Array, file: string): { text: string } | { problem: string } {
  if (bytes.length > CONFIG_MAX_BYTES)
    return {
      problem: `${file}:1: the file is larger than ${CONFIG_MAX_BYTES / 1024} KB; a unit's config is a few KB (is this the right file?)`,
    };
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const at = lineAndColumn(bytes, bad);
    return {
      problem: `${file}:${at.line}: not UTF-8 text (byte 0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')} at column ${at.column}); save the config as UTF-8`,
    };
  }
  return { text: new TextDecoder('utf-8').decode(bytes) };
}

/** Control characters YAML does not allow in a stream (all but tab, LF and CR): a binary file. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Refuses text that is too long or holds control characters (NUL bytes: a binary file). */
export function textProblem(text: string, file: string): string | null {
  if (text.length > CONFIG_MAX_BYTES)
    return `${file}:1: the text is longer than ${CONFIG_MAX_BYTES / 1024} K characters; a unit's config is a few KB (is this the right file?)`;
  const m = CONTROL.exec(text);
  if (!m) return null;
  const before = text.slice(0, m.index);
  const line = countLines(before);
  const column = m.index - before.lastIndexOf('\n');
  const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `${file}:${line}: control character ${code} at column ${column}: this is not a text file (a config is YAML text)`;
}

/**
 * Refuses flow collections nested deeper than MAX_FLOW_DEPTH, naming the line where the limit
 * is passed. Runs YAML's own lexer (so brackets in quotes and comments do not count) and stops
 * there: the check costs one pass at most.
 */
export function nestingProblem(text: string, file: string): string | null {
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    // The lexer marks document, scalar and flow-error boundaries with control characters that are not in the source.
    if (token === '\u0002' || token === '\u0018' || token === '\u001f') continue;
    if (token === '[' || token === '{') {
      depth++;
      if (depth > MAX_FLOW_DEPTH)
        return `${file}:${countLines(text.slice(0, offset))}: lists or mappings in [ ] / { } nested more than ${MAX_FLOW_DEPTH} deep; a config needs a few levels`;
    } else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
    offset += token.length;
  }
  return null;
}

function countLines(before: string): number {
  let n = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) n++;
  return n;
}
