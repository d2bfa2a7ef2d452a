import type { Category, HotlistEntry } from './entry.js';
import { confusableKey, isPattern } from './normalize.js';
import { TurnBudget } from './turn-budget.js';
import { WildcardIndex } from './wildcard-index.js';

/** Most entries indexed between turns of the event loop; fewer when they take over ~5 ms (TurnBudget). */
export const ENTRIES_PER_TURN = 10_000;

/**
 * How a read met an entry. `lenient` (OCR-confusable characters, e.g. 0/O) is never reported as
 * `exact`: a deputy weighs it differently.
 */
export type MatchKind = 'exact' | 'wildcard' | 'lenient';

export interface Match {
  entry: HotlistEntry;
  kind: MatchKind;
  /** False when the read's state is unknown but the entry names one: "state not confirmed". */
  stateConfirmed: boolean;
}

export interface MatcherOptions {
  /** Categories whose entries also match OCR-confusable variants (see confusableKey). */
  lenientCategories: readonly Category[];
}

/**
 * An immutable index over one list version: exact plates in a Map, patterns in a WildcardIndex,
 * and, for lenient categories only, the same two keyed by confusable class. Built once per list
 * version, then swapped in whole, so a read never sees half a list.
 */
export class Matcher {
  private readonly exact = new PlateMap();
  private readonly lenientExact = new PlateMap();
  private readonly wildcards = new WildcardIndex<HotlistEntry>();
  private readonly lenientWildcards = new WildcardIndex<HotlistEntry>();
  private entryCount = 0;
  private readonly lenient: Set<string>;

  constructor(entries: Iterable<HotlistEntry>, options: MatcherOptions) {
    this.lenient = new Set<string>(options.lenientCategories);
    for (const e of entries) this.add(e);
  }

  /**
   * The same index, built with a turn of the event loop every few milliseconds (at most every
   * ENTRIES_PER_TURN entries; a 1,000,000-entry list takes about a second to index): for the
   * daemon's main thread.
   */
  static async build(entries: Iterable<HotlistEntry>, options: MatcherOptions): Promise<Matcher> {
    const m = new Matcher([], options);
    const budget = new TurnBudget(5, ENTRIES_PER_TURN);
    for (const e of entries) {
      m.add(e);
      if (budget.due()) await budget.turn();
    }
    return m;
  }

  /**
   * True when this index holds an exact (not pattern) entry with the identity of `e`
   * (entryIdentity: source, plate, state, category): finds a new version's added entries without
   * a second set of a million keys beside the two versions.
   */
  hasExact(e: HotlistEntry): boolean {
    const v = this.exact.get(e.plate);
    if (v === undefined) return false;
    if (!Array.isArray(v)) return sameIdentity(v, e);
    for (const x of v) if (sameIdentity(x, e)) return true;
    return false;
  }

  private add(e: HotlistEntry): void {
    this.entryCount++;
    const relaxed = this.lenient.has(e.category);
    if (isPattern(e.plate)) {
      this.wildcards.add(e.plate, e);
      if (relaxed) this.lenientWildcards.add(confusableKey(e.plate), e);
    } else {
      this.exact.add(e.plate, e);
      if (relaxed) this.lenientExact.add(confusableKey(e.plate), e);
    }
  }

  get size(): number {
    return this.entryCount;
  }

  get patternCount(): number {
    return this.wildcards.size;
  }

  /**
   * Every live entry the plate matches, each once, strongest kind first. `plate` must already be
   * normalised; `state` is the read's state or null when the reader could not tell.
   */
  match(plate: string, state: string | null, now: number): Match[] {
    const out: Match[] = [];
    const take = (e: HotlistEntry, kind: MatchKind): void => {
      if (e.expires !== null && e.expires <= now) return;
      if (e.state !== null && state !== null && e.state !== state) return;
      for (const m of out) if (m.entry === e) return;
      out.push({ entry: e, kind, stateConfirmed: e.state === null || state !== null });
    };
    forEach(this.exact.get(plate), (e) => take(e, 'exact'));
    if (this.wildcards.size) this.wildcards.forEachMatch(plate, (e) => take(e, 'wildcard'));
    if (this.lenientExact.size || this.lenientWildcards.size) {
      const key = confusableKey(plate);
      forEach(this.lenientExact.get(key), (e) => take(e, 'lenient'));
      if (this.lenientWildcards.size) this.lenientWildcards.forEachMatch(key, (e) => take(e, 'lenient'));
    }
    return out;
  }
}

/**
 * Plate → entry (or entries), spread over 16 maps by a hash of the plate. A Map doubles its table
 * in one step: at a million plates that step held the event loop ~150 ms of CPU (measured with
 * --single-threaded-gc as the daemon runs); a 16th of the list grows in ~10-15 ms. More shards
 * cost more garbage collection while the index is built (256: +35 % build time; 16: +5-10 %).
 */
class PlateMap {
  private readonly shards = Array.from({ length: 16 }, () => new Map<string, HotlistEntry | HotlistEntry[]>());
  size = 0;

  get(k: string): HotlistEntry | HotlistEntry[] | undefined {
    return this.shards[shardOf(k)]!.get(k);
  }

  add(k: string, e: HotlistEntry): void {
    const m = this.shards[shardOf(k)]!;
    const cur = m.get(k);
    if (cur === undefined) {
      m.set(k, e);
      this.size++;
    } else if (Array.isArray(cur)) cur.push(e);
    else m.set(k, [cur, e]);
  }
}

/** The shard of a plate, from its last two characters (cheap, and spread evenly over plates). */
function shardOf(k: string): number {
  const n = k.length;
  return ((k.charCodeAt(n - 1) | 0) * 7 + (k.charCodeAt(n - 2) | 0)) & 15;
}

/** entryIdentity(a) === entryIdentity(b), without building the two strings. */
function sameIdentity(a: HotlistEntry, b: HotlistEntry): boolean {
  if (a.source === 'local' || b.source === 'local') return a.source === b.source && a.key === b.key;
  return a.plate === b.plate && a.state === b.state && a.category === b.category && a.source === b.source;
}

function forEach(v: HotlistEntry | HotlistEntry[] | undefined, f: (e: HotlistEntry) => void): void {
  if (v === undefined) return;
  if (Array.isArray(v)) for (const e of v) f(e);
  else f(v);
}
