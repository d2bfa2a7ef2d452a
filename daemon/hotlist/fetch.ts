import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { stripCredentials } from '../shared/redact.js';
import { nextTurn } from '../shared/turns.js';
import type { HotlistSourceConfig } from './config.js';

/** What the source holds now, relative to the version we have. */
export type FetchResult =
  | { kind: 'unchanged'; asOf: number }
  | { kind: 'content'; body: Buffer; sha256: string; etag: string | null; lastModified: string | null; asOf: number };

/** The validators of the version in use, for a conditional fetch. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
  sha256: string | null;
}

/** Fetches one list source. Throws an Error (message fit for a log and a version record) on failure. */
export interface ListFetcher {
  readonly origin: string;
  fetch(previous: Validators | undefined, now: number, signal?: AbortSignal): Promise<FetchResult>;
}

const MAX_BYTES = 512 * 1024 * 1024;

export function fetcherFor(source: HotlistSourceConfig): ListFetcher {
  if (source.file) return new FileFetcher(source.file);
  return new HttpFetcher(source.url!, source.ca_file, source.headers, source.timeout_s * 1000);
}

/** A local file: unchanged when its SHA-256 is; its age counts from its modification time. */
export class FileFetcher implements ListFetcher {
  constructor(private readonly path: string) {}
  get origin(): string {
    return this.path;
  }
  async fetch(previous: Validators | undefined): Promise<FetchResult> {
    let body: Buffer;
    let mtime: number;
    try {
      // Read off the event loop and hashed in slices: for a 1,000,000-row list each held it ~100-250 ms.
      mtime = (await stat(this.path)).mtimeMs;
      body = await readFile(this.path);
    } catch (err) {
      throw new Error(`cannot read ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const sha256 = await shaYielding(body);
    const asOf = Math.round(mtime);
    if (previous?.sha256 === sha256) return { kind: 'unchanged', asOf };
    return { kind: 'content', body, sha256, etag: null, lastModified: null, asOf };
  }
}

/**
 * HTTPS (http:// for tests) with If-None-Match / If-Modified-Since, an optional private CA, extra
 * headers (tokens from ${NAME}), a timeout and a size cap. Node's https module rather than fetch:
 * fetch cannot take a CA without undici's Agent, which is not a dependency.
 */
export class HttpFetcher implements ListFetcher {
  private readonly ca: Buffer | undefined;
  constructor(
    private readonly url: string,
    caFile: string | undefined,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs: number,
  ) {
    this.ca = caFile ? readFileSync(caFile) : undefined;
  }
  get origin(): string {
    return stripCredentials(this.url);
  }
  fetch(previous: Validators | undefined, now: number, signal?: AbortSignal): Promise<FetchResult> {
    const headers: Record<string, string> = {
      'user-agent': 'alpr-edge',
      'accept-encoding': 'identity',
      ...this.headers,
    };
    if (previous?.etag) headers['if-none-match'] = previous.etag;
    if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
    const u = new URL(this.url);
    const mod = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        u,
        { method: 'GET', headers, timeout: this.timeoutMs, signal, ...(this.ca ? { ca: this.ca } : {}) },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status === 304) {
            res.resume();
            resolve({ kind: 'unchanged', asOf: now });
            return;
          }
          if (status !== 200) {
            res.resume();
            reject(new Error(`${this.origin}: HTTP ${status} ${res.statusMessage ?? ''}`.trim()));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BYTES) req.destroy(new Error(`${this.origin}: list larger than ${MAX_BYTES} bytes`));
            else chunks.push(c);
          });
          res.on('error', (e) => reject(new Error(`${this.origin}: ${e.message}`)));
          res.on('end', () => {
            if (!res.complete) return reject(new Error(`${this.origin}: the download was cut off`));
            const body = Buffer.concat(chunks);
            const etag = headerValue(res.headers.etag);
            const lastModified = headerValue(res.headers['last-modified']);
            shaYielding(body).then((hash) => {
              if (previous?.sha256 === hash) resolve({ kind: 'unchanged', asOf: now });
              else resolve({ kind: 'content', body, sha256: hash, etag, lastModified, asOf: now });
            }, reject);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${this.origin}: no answer within ${this.timeoutMs / 1000} s`)));
      req.on('error', (e) =>
        reject(new Error(e.message.startsWith(this.origin) ? e.message : `${this.origin}: ${e.message}`)),
      );
      req.end();
    });
  }
}

function headerValue(v: string | string[] | undefined): string | null {
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

export function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Bytes hashed between turns of the event loop (~2-3 ms each). */
const HASH_SLICE = 1024 * 1024;

/**
 * sha() a slice at a time with a turn of the event loop between slices: hashing a 1,000,000-row
 * list (~90 MB) in one call held the loop for ~250 ms. (WebCrypto's digest is no help here: in
 * Node 20 it copies the input on the calling thread first, which took longer than the hash.)
 */
export async function shaYielding(b: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < b.length; at += HASH_SLICE) {
    hash.update(b.subarray(at, at + HASH_SLICE));
    if (at + HASH_SLICE < b.length) await nextTurn();
  }
  return hash.digest('hex');
}
