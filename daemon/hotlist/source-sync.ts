import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import type { HotlistSourceConfig } from './config.js';
import type { Category, HotlistEntry } from './entry.js';
import { fetcherFor, sha, type ListFetcher } from './fetch.js';
import { Matcher } from './matcher.js';
import { parseList } from './parse.js';
import type { HotlistVersionRepository, ListVersion } from '../store/hotlist-versions.js';
import { rowErrorsToStrings } from './version-store.js';

/** One source's list version in use: its record, its entries and its index. */
export interface LoadedList {
  sourceId: string;
  version: ListVersion;
  entries: HotlistEntry[];
  matcher: Matcher;
}

export type SyncOutcome =
  | { kind: 'loaded'; list: LoadedList; version: ListVersion }
  | { kind: 'unchanged'; asOf: number }
  | { kind: 'refused' | 'failed'; version: ListVersion };

export interface SourceSyncDeps {
  versions: HotlistVersionRepository;
  /** Folder for the last good copy of each list. */
  cacheDir: string;
  lenientCategories: readonly Category[];
  maxRejectedFraction: number;
  log: Logger;
  fetcher?: ListFetcher;
}

/**
 * Fetches, parses and records one source. A version is only offered for use after it parsed and
 * passed the rejected-rows check; anything else leaves the caller's current version in place
 * ("a list that fails to download keeps the previous version"). The good copy is cached
 * under its SHA-256, so a restart loads exactly the version its record names.
 */
export class SourceSync {
  private readonly fetcher: ListFetcher;

  constructor(
    readonly source: HotlistSourceConfig,
    private readonly deps: SourceSyncDeps,
  ) {
    this.fetcher = deps.fetcher ?? fetcherFor(source);
  }

  /** The last good version from the cache (at start, or after `alpr-edge hotlist sync` ran in another process). */
  async loadCached(): Promise<LoadedList | undefined> {
    const v = this.deps.versions.latestLoaded(this.source.id);
    if (!v?.sha256) return undefined;
    const file = this.cacheFile(v.sha256);
    if (!existsSync(file)) {
      this.deps.log.warn(
        { source: this.source.id, version: v.id },
        'hotlist cache file missing; waiting for the next fetch',
      );
      return undefined;
    }
    const parsed = await parseList(this.source.format, await readFile(file), this.fetcher.origin, this.source.id);
    return { sourceId: this.source.id, version: v, entries: parsed.entries, matcher: await this.index(parsed.entries) };
  }

  async sync(current: LoadedList | undefined, now: number, signal?: AbortSignal): Promise<SyncOutcome> {
    const base = { sourceId: this.source.id, format: this.source.format, origin: this.fetcher.origin, fetchedAt: now };
    const prev = current?.version;
    let fetched: Awaited<ReturnType<ListFetcher['fetch']>>;
    try {
      fetched = await this.fetcher.fetch(
        prev ? { etag: prev.etag, lastModified: prev.lastModified, sha256: prev.sha256 } : undefined,
        now,
        signal,
      );
    } catch (err) {
      return this.fail('failed', base, (err as Error).message);
    }
    if (fetched.kind === 'unchanged') {
      if (prev) {
        this.deps.versions.touch(prev.id, fetched.asOf);
        prev.asOf = Math.max(prev.asOf, fetched.asOf);
        return { kind: 'unchanged', asOf: prev.asOf };
      }
      return this.fail('failed', base, 'the source answered "not modified" but no version is loaded');
    }
    let parsed: Awaited<ReturnType<typeof parseList>>;
    try {
      parsed = await parseList(this.source.format, fetched.body, this.fetcher.origin, this.source.id);
    } catch (err) {
      return this.fail('refused', base, (err as Error).message, fetched.sha256);
    }
    const counts = { rowsTotal: parsed.rows, rowsLoaded: parsed.entries.length, rowsRejected: parsed.errors.length };
    const errors = rowErrorsToStrings(parsed.errors);
    if (parsed.rows > 0 && parsed.errors.length > this.deps.maxRejectedFraction * parsed.rows) {
      return this.fail(
        'refused',
        base,
        `${parsed.errors.length} of ${parsed.rows} rows rejected (limit ${this.deps.maxRejectedFraction * 100}%)`,
        fetched.sha256,
        counts,
        errors,
      );
    }
    // A file with nothing usable in it (an error page, a truncated or mangled extract) never
    // replaces a list in use, whatever max_rejected_fraction allows: an empty list matches nothing.
    if (parsed.entries.length === 0 && (current?.entries.length ?? 0) > 0) {
      const why =
        parsed.rows === 0
          ? 'the new version has no rows'
          : `the new version has no valid row (${parsed.errors.length} of ${parsed.rows} rows rejected)`;
      return this.fail('refused', base, `${why}; keeping the previous one`, fetched.sha256, counts, errors);
    }
    const matcher = await this.index(parsed.entries);
    await this.writeCache(fetched.sha256, fetched.body);
    const version: ListVersion = {
      ...base,
      ...counts,
      id: `${this.source.id}@${new Date(now).toISOString()}#${fetched.sha256.slice(0, 8)}`,
      outcome: 'loaded',
      errors,
      message: '',
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      sha256: fetched.sha256,
      asOf: fetched.asOf,
    };
    this.deps.versions.record(version);
    this.pruneCache(fetched.sha256);
    for (const e of errors.slice(0, 20)) this.deps.log.warn({ source: this.source.id, row: e }, 'hotlist row rejected');
    return { kind: 'loaded', version, list: { sourceId: this.source.id, version, entries: parsed.entries, matcher } };
  }

  private index(entries: HotlistEntry[]): Promise<Matcher> {
    return Matcher.build(entries, { lenientCategories: this.deps.lenientCategories });
  }

  private fail(
    kind: 'refused' | 'failed',
    base: Pick<ListVersion, 'sourceId' | 'format' | 'origin' | 'fetchedAt'>,
    message: string,
    sha256: string | null = null,
    counts = { rowsTotal: 0, rowsLoaded: 0, rowsRejected: 0 },
    errors: string[] = [],
  ): SyncOutcome {
    const version: ListVersion = {
      ...base,
      ...counts,
      id: `${base.sourceId}@${new Date(base.fetchedAt).toISOString()}!${randomUUID().slice(0, 8)}`,
      outcome: kind,
      errors,
      message,
      etag: null,
      lastModified: null,
      sha256,
      asOf: base.fetchedAt,
    };
    this.deps.versions.record(version);
    return { kind, version };
  }

  private cacheFile(hash: string): string {
    return join(this.deps.cacheDir, `${this.source.id}-${hash.slice(0, 16)}.list`);
  }

  /** Written off the event loop (a 1,000,000-row list is ~90 MB: a blocking write stalled it ~100 ms). */
  private async writeCache(hash: string, body: Buffer): Promise<void> {
    await mkdir(this.deps.cacheDir, { recursive: true, mode: 0o700 });
    const file = this.cacheFile(hash);
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, body, { mode: 0o600 });
    await rename(tmp, file);
  }

  /** Keeps only the copy the newest record names (old lists are data too: 424.4). */
  private pruneCache(keep: string): void {
    const keepName = `${this.source.id}-${keep.slice(0, 16)}.list`;
    // Exact shape, so source "ccic" never prunes the copies of source "ccic-2".
    const mine = new RegExp(`^${this.source.id}-[0-9a-f]{16}\\.list$`);
    for (const f of readdirSync(this.deps.cacheDir)) {
      if (mine.test(f) && f !== keepName) rmSync(join(this.deps.cacheDir, f), { force: true });
    }
  }
}

/** Content checksum of a cached list, for tests and the CLI. */
export { sha };
