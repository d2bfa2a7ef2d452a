import { join } from 'node:path';
import type { HotlistVersionRepository } from '../store/hotlist-versions.js';
import type { LocalEntryRepository } from '../store/local-entries.js';
import type { ReadPageRepository } from '../store/read-pages.js';
import type { Transactions } from '../store/transactions.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { ActiveLists, type ActiveList, type ActiveListProvider } from './active-list.js';
import type { HotlistConfig } from './config.js';
import { entryIdentity, type HotlistEntry } from './entry.js';
import type { ListFetcher } from './fetch.js';
import { isPattern } from './normalize.js';
import { TurnBudget } from './turn-budget.js';
import { LocalEntryStore, type Actor, type LocalEntryInput, type LocalEntryRecord } from './local-entries.js';
import { ENTRIES_PER_TURN, Matcher } from './matcher.js';
import type { RetroHitSink } from './hit.js';
import { retroMatchEntries, runScan, runScanYielding } from './retro.js';
import { SourceSync, type LoadedList } from './source-sync.js';

/**
 * What the service keeps in the database (store/hotlist-store.ts builds them on one connection):
 * version records, local entries, the stored reads a new entry is matched against, and the
 * transaction in which a local entry and its audit record commit together.
 */
export interface HotlistRepositories {
  versions: HotlistVersionRepository;
  localEntries: LocalEntryRepository;
  reads: ReadPageRepository;
  transactions: Pick<Transactions, 'immediate'>;
}

export interface HotlistServiceDeps {
  store: HotlistRepositories;
  config: HotlistConfig;
  /** storage.path; the list cache goes to hotlists.cache_dir or <storagePath>/hotlists. */
  storagePath: string;
  clock: Clock;
  log: Logger;
  /** Where the lists in use go; give the hit decider the same object. Default: one of its own. */
  lists?: ActiveLists;
  /**
   * Where retrospective hits go when a new version or local entry matches stored reads
   * (hotlists.retro_hits): the composition root connects the hit recorder. Without it no
   * retrospective hits are raised.
   */
  retroHits?: RetroHitSink;
  /** Tests replace a source's fetcher by source id. */
  fetchers?: Record<string, ListFetcher>;
}

export interface SourceStatus {
  id: string;
  format: string;
  origin: string;
  version: string | null;
  entries: number;
  patterns: number;
  rows_rejected: number;
  fetched_at: string | null;
  as_of: string | null;
  age_s: number | null;
  stale: boolean;
  last_error: string | null;
}

/** One list in the retained status message and on the in-car page (snake_case, as on the wire). */
export interface ListStatus {
  source: string;
  version: string | null;
  entries: number;
  age_s: number | null;
  stale: boolean;
}

export interface HotlistStatus {
  sources: SourceStatus[];
  local_entries: number;
  stale: boolean;
}

const LOCAL_POLL_MS = 5_000;

/**
 * Owns the lists in use: loads the cached versions at start, refreshes every source on a schedule
 * (hotlists.refresh_interval_h; sooner after a failure), on `syncNow()` (SIGHUP, `alpr-edge
 * hotlist sync`), and picks up local entries made by the CLI. A new version replaces the old one
 * in one assignment, only after it parsed; a failed fetch keeps the previous version.
 */
export class HotlistService implements ActiveListProvider {
  private readonly versions: HotlistVersionRepository;
  private readonly local: LocalEntryStore;
  private readonly syncers: SourceSync[];
  private readonly loaded = new Map<string, LoadedList>();
  private readonly lastError = new Map<string, string>();
  private readonly nextDue = new Map<string, number>();
  private readonly staleWarned = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly lists: ActiveLists;
  private localList: ActiveList | undefined;
  private localGeneration = '';
  private loop: Promise<void> | undefined;
  private wake: AbortController | undefined;
  private roundsStarted = 0;
  private forceNext = false;
  private roundWaiters: { needed: number; resolve: () => void }[] = [];
  private stopCtl: AbortController | undefined;

  /** Stores its dependencies; no I/O until start(). */
  constructor(private readonly deps: HotlistServiceDeps) {
    this.versions = deps.store.versions;
    this.local = new LocalEntryStore(deps.store.localEntries);
    this.lists = deps.lists ?? new ActiveLists();
    const cacheDir = deps.config.cache_dir || join(deps.storagePath, 'hotlists');
    this.syncers = deps.config.sources
      .filter((s) => s.enabled)
      .map(
        (s) =>
          new SourceSync(s, {
            versions: this.versions,
            cacheDir,
            lenientCategories: deps.config.lenient_categories,
            maxRejectedFraction: deps.config.max_rejected_fraction,
            log: deps.log,
            ...(deps.fetchers?.[s.id] ? { fetcher: deps.fetchers[s.id] } : {}),
          }),
      );
  }

  /** Loads the cached lists and local entries, then refreshes in the background. */
  async start(signal: AbortSignal): Promise<void> {
    this.stopCtl = new AbortController();
    const stop = AbortSignal.any([signal, this.stopCtl.signal]);
    await this.load(stop);
    if (stop.aborted) return;
    this.runPendingLocalRetro();
    this.loop = this.run(stop);
  }

  /**
   * Puts the last good version of each source (from the cache) and the local entries in use,
   * without fetching anything. start() calls it; so does the CLI before a one-off sync.
   */
  async load(signal?: AbortSignal): Promise<void> {
    this.reloadLocal(false);
    const now = this.deps.clock.now();
    for (const s of this.syncers) {
      if (signal?.aborted) return;
      try {
        const list = await s.loadCached();
        if (list) this.loaded.set(s.source.id, list);
        const age = list ? now - list.version.asOf : Infinity;
        this.nextDue.set(s.source.id, age < this.intervalMs() ? list!.version.fetchedAt + this.intervalMs() : now);
      } catch (err) {
        this.deps.log.error({ source: s.source.id, err: (err as Error).message }, 'cannot load the cached hotlist');
        this.nextDue.set(s.source.id, now);
      }
    }
    this.rebuild();
  }

  async stop(): Promise<void> {
    this.stopCtl?.abort(new Error('hotlist service stopping'));
    await this.loop;
    this.loop = undefined;
    // Nobody will run another round: release SIGHUP callers still waiting.
    for (const w of this.roundWaiters.splice(0)) w.resolve();
  }

  /** Fetches every source now (SIGHUP); resolves when that round is done. Works before start() too (CLI). */
  syncNow(): Promise<void> {
    if (!this.loop) return this.syncDue(new AbortController().signal, true);
    this.forceNext = true;
    // Wait for a round that starts after this call: one in progress may have passed a source already.
    const needed = this.roundsStarted + 1;
    const done = new Promise<void>((resolve) => this.roundWaiters.push({ needed, resolve }));
    this.wake?.abort();
    return done;
  }

  activeLists(): readonly ActiveList[] {
    return this.lists.activeLists();
  }

  /** Called whenever the lists in use change (the MQTT status message carries their versions). */
  onChange(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  status(): HotlistStatus {
    const now = this.deps.clock.now();
    const sources = this.syncers.map((s): SourceStatus => {
      const l = this.loaded.get(s.source.id);
      const age = l ? Math.max(0, Math.round((now - l.version.asOf) / 1000)) : null;
      return {
        id: s.source.id,
        format: s.source.format,
        origin: l?.version.origin ?? s.source.file ?? s.source.url ?? '',
        version: l?.version.id ?? null,
        entries: l?.entries.length ?? 0,
        patterns: l?.matcher.patternCount ?? 0,
        rows_rejected: l?.version.rowsRejected ?? 0,
        fetched_at: l ? new Date(l.version.fetchedAt).toISOString() : null,
        as_of: l ? new Date(l.version.asOf).toISOString() : null,
        age_s: age,
        stale: age === null || age * 1000 > this.staleMs(),
        last_error: this.lastError.get(s.source.id) ?? null,
      };
    });
    return { sources, local_entries: this.localList?.matcher.size ?? 0, stale: sources.some((s) => s.stale) };
  }

  /** The per-list summary carried by the MQTT status message. */
  listStatus(): ListStatus[] {
    return this.status().sources.map((s) => ({
      source: s.id,
      version: s.version,
      entries: s.entries,
      age_s: s.age_s,
      stale: s.stale,
    }));
  }

  /**
   * Adds a local entry and runs its retro match. The caller has checked that the actor is an
   * authorised, trained user (policy 424.3(b),(e)); `audit` runs in the same transaction as the
   * insert, so the entry and its audit record commit together.
   */
  addLocalEntry(actor: Actor, input: LocalEntryInput, audit?: (rec: LocalEntryRecord) => void): LocalEntryRecord {
    const rec = this.deps.store.transactions.immediate(() => {
      const r = this.local.add(actor, input, this.deps.clock.now());
      audit?.(r);
      return r;
    });
    this.deps.log.info(
      { entry: rec.id, user: actor.username, category: rec.entry.category },
      'local hotlist entry added',
    );
    this.reloadLocal(true);
    return rec;
  }

  /** Stamps a local entry removed; `audit` runs in the same transaction, only when something was removed. */
  removeLocalEntry(actor: Actor, id: string, audit?: () => void): boolean {
    const ok = this.deps.store.transactions.immediate(() => {
      const removed = this.local.remove(actor, id, this.deps.clock.now());
      if (removed) audit?.();
      return removed;
    });
    if (ok) this.deps.log.info({ entry: id, user: actor.username }, 'local hotlist entry removed');
    this.reloadLocal(false);
    return ok;
  }

  listLocalEntries(includeRemoved = false): LocalEntryRecord[] {
    return includeRemoved ? this.local.all() : this.local.live(this.deps.clock.now());
  }

  private async run(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const round = ++this.roundsStarted;
      const force = this.forceNext;
      this.forceNext = false;
      await this.syncDue(stop, force);
      this.emitRoundDone(round);
      this.checkStale();
      if (this.forceNext) continue;
      const now = this.deps.clock.now();
      const due = Math.min(...this.syncers.map((s) => this.nextDue.get(s.source.id) ?? now), now + LOCAL_POLL_MS);
      this.wake = new AbortController();
      await this.deps.clock.sleep(Math.max(0, due - now), AbortSignal.any([stop, this.wake.signal]));
      if (this.local.generation() !== this.localGeneration) this.reloadLocal(true);
    }
  }

  private async syncDue(stop: AbortSignal, force: boolean): Promise<void> {
    for (const s of this.syncers) {
      if (stop.aborted) return;
      const now = this.deps.clock.now();
      if (!force && (this.nextDue.get(s.source.id) ?? 0) > now) continue;
      try {
        await this.syncOne(s, now, stop);
      } catch (err) {
        // A bug in one source's sync must not stop the others or the schedule.
        this.lastError.set(s.source.id, (err as Error).message);
        this.nextDue.set(s.source.id, now + this.retryMs());
        this.deps.log.error({ source: s.source.id, err: (err as Error).message }, 'hotlist sync failed');
      }
    }
  }

  private async syncOne(s: SourceSync, now: number, stop: AbortSignal): Promise<void> {
    const id = s.source.id;
    let current = this.loaded.get(id);
    // Another process (alpr-edge hotlist sync) may have loaded a newer version into the cache.
    const newest = this.versions.latestLoaded(id);
    if (newest && newest.id !== current?.version.id && newest.fetchedAt >= (current?.version.fetchedAt ?? 0)) {
      const fromCache = await s.loadCached();
      // As in SourceSync.sync: a version without a single entry never replaces one with entries.
      if (fromCache && (fromCache.entries.length > 0 || (current?.entries.length ?? 0) === 0)) {
        await this.swap(id, fromCache, current);
        current = fromCache;
      }
    }
    const outcome = await s.sync(current, now, stop);
    if (outcome.kind === 'loaded') {
      this.lastError.delete(id);
      this.nextDue.set(id, now + this.intervalMs());
      this.deps.log.info(
        {
          source: id,
          version: outcome.version.id,
          entries: outcome.version.rowsLoaded,
          rejected: outcome.version.rowsRejected,
        },
        'hotlist version loaded',
      );
      await this.swap(id, outcome.list, current);
    } else if (outcome.kind === 'unchanged') {
      this.lastError.delete(id);
      this.nextDue.set(id, now + this.intervalMs());
      this.rebuild();
    } else {
      this.lastError.set(id, outcome.version.message);
      this.nextDue.set(id, now + this.retryMs());
      this.deps.log.warn(
        { source: id, outcome: outcome.kind, reason: outcome.version.message, kept: current?.version.id ?? null },
        'hotlist fetch did not produce a new version; the previous one stays in use',
      );
    }
  }

  /** Puts a new version in use, then matches the entries it adds against stored reads. */
  private async swap(id: string, next: LoadedList, previous: LoadedList | undefined): Promise<void> {
    this.loaded.set(id, next);
    this.rebuild();
    const recorder = this.deps.retroHits;
    if (!this.deps.config.retro_hits || !recorder) return;
    // When every entry is new (no previous version, or nothing in common), the version's own
    // index (same lenient categories) serves as is, rather than a second index of the same entries.
    const added = previous ? await addedEntries(previous, next.entries) : next.entries;
    const matcher =
      added.length === next.entries.length
        ? next.matcher
        : await Matcher.build(added, { lenientCategories: this.deps.config.lenient_categories });
    // Page by page with event-loop turns between: a first sync scans every stored read (21 days of them).
    const hits = await runScanYielding(
      retroMatchEntries(
        this.deps.store.reads,
        recorder,
        matcher,
        { sourceId: id, versionId: next.version.id, asOf: next.version.asOf },
        this.windowMs(),
        this.deps.clock.now(),
      ),
    );
    if (hits.length)
      this.deps.log.info({ source: id, version: next.version.id, hits: hits.length }, 'retrospective hits raised');
  }

  private reloadLocal(retro: boolean): void {
    const now = this.deps.clock.now();
    this.localGeneration = this.local.generation();
    const live = this.local.live(now).map((r) => r.entry);
    this.localList = {
      sourceId: 'local',
      versionId: `local@${this.localGeneration}`,
      asOf: now,
      matcher: new Matcher(live, { lenientCategories: this.deps.config.lenient_categories }),
    };
    this.rebuild();
    if (retro) this.runPendingLocalRetro();
  }

  /** Retro-matches local entries nobody has matched yet (each claimed once, see LocalEntryStore.claimRetro). */
  private runPendingLocalRetro(): void {
    const recorder = this.deps.retroHits;
    if (!this.deps.config.retro_hits || !recorder) return;
    const now = this.deps.clock.now();
    const mine = this.local.unclaimedRetro(now).filter((r) => this.local.claimRetro(r.id, now));
    if (mine.length === 0) return;
    // At once: the CLI that adds an entry claims it and reports its hits before it exits.
    runScan(
      retroMatchEntries(
        this.deps.store.reads,
        recorder,
        new Matcher(
          mine.map((r) => r.entry),
          { lenientCategories: this.deps.config.lenient_categories },
        ),
        { sourceId: 'local', versionId: this.localList?.versionId ?? 'local', asOf: now },
        this.windowMs(),
        now,
      ),
    );
  }

  private rebuild(): void {
    const lists: ActiveList[] = [];
    for (const l of this.loaded.values()) {
      lists.push({ sourceId: l.sourceId, versionId: l.version.id, asOf: l.version.asOf, matcher: l.matcher });
    }
    if (this.localList) lists.push({ ...this.localList, asOf: this.deps.clock.now() });
    this.lists.replace(lists);
    for (const f of this.listeners) {
      try {
        f();
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'hotlist change listener failed');
      }
    }
  }

  private checkStale(): void {
    for (const s of this.status().sources) {
      if (s.stale && !this.staleWarned.has(s.id)) {
        this.staleWarned.add(s.id);
        this.deps.log.warn(
          { source: s.id, age_s: s.age_s, version: s.version, last_error: s.last_error },
          'hotlist is stale',
        );
      } else if (!s.stale) this.staleWarned.delete(s.id);
    }
  }

  private emitRoundDone(round: number): void {
    const ready = this.roundWaiters.filter((w) => w.needed <= round);
    this.roundWaiters = this.roundWaiters.filter((w) => w.needed > round);
    for (const w of ready) w.resolve();
  }

  private intervalMs(): number {
    return this.deps.config.refresh_interval_h * 3_600_000;
  }
  private retryMs(): number {
    return this.deps.config.retry_interval_min * 60_000;
  }
  private staleMs(): number {
    return this.deps.config.stale_after_h * 3_600_000;
  }
  private windowMs(): number {
    return this.deps.config.retro_window_days * 86_400_000;
  }
}

/**
 * The entries of `next` that `previous` did not hold (by entryIdentity). Exact plates are looked
 * up in the previous version's index, which is already built: a set of a million identity strings
 * beside two versions of a million entries cost ~150 MB and a table resize that blocked the event
 * loop. Only the previous patterns (a few thousand) get a set. The event loop gets a turn every
 * few milliseconds.
 */
async function addedEntries(previous: LoadedList, next: readonly HotlistEntry[]): Promise<HotlistEntry[]> {
  const budget = new TurnBudget(5, ENTRIES_PER_TURN);
  const patterns = new Set<string>();
  for (const e of previous.entries) {
    if (isPattern(e.plate)) patterns.add(entryIdentity(e));
    if (budget.due()) await budget.turn();
  }
  const added: HotlistEntry[] = [];
  for (const e of next) {
    const had = isPattern(e.plate) ? patterns.has(entryIdentity(e)) : previous.matcher.hasExact(e);
    if (!had) added.push(e);
    if (budget.due()) await budget.turn();
  }
  return added;
}
