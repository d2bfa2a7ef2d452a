import type { Category, HotlistEntry } from './entry.js';
import { confusableKey, isPattern } from './normalize.js';
import { WildcardIndex } from './wildcard-index.js';
import { nextTurn } from '../shared/turns.js';

/** Entries indexed between turns of the event loop (~10 ms; see nextTurn). */
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
  private readonly exact = new Map<string, HotlistEntry | HotlistEntry[]>();
  private readonly lenientExact = new Map<string, HotlistEntry | HotlistEntry[]>();
  private readonly wildcards = new WildcardIndex<HotlistEntry>();
  private readonly lenientWildcards = new WildcardIndex<HotlistEntry>();
  private entryCount = 0;
  private readonly lenient: Set<string>;

  constructor(entries: Iterable<HotlistEntry>, options: MatcherOptions) {
    this.lenient = new Set<string>(options.lenientCategories);
    for (const e of entries) this.add(e);
  }

  /**
   * The same index, built with a turn of the event loop every ENTRIES_PER_TURN entries (a
   * 1,000,000-entry list takes about a second to index): for the daemon's main thread.
   */
  static async build(entries: Iterable<HotlistEntry>, options: MatcherOptions): Promise<Matcher> {
    const m = new Matcher([], options);
    for (const e of entries) {
      m.add(e);
      if (m.entryCount % ENTRIES_PER_TURN === 0) await nextTurn();
    }
    return m;
  }

  private add(e: HotlistEntry): void {
    this.entryCount++;
    const relaxed = this.lenient.has(e.category);
    if (isPattern(e.plate)) {
      this.wildcards.add(e.plate, e);
      if (relaxed) this.lenientWildcards.add(confusableKey(e.plate), e);
    } else {
      add(this.exact, e.plate, e);
      if (relaxed) add(this.lenientExact, confusableKey(e.plate), e);
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

function add(m: Map<string, HotlistEntry | HotlistEntry[]>, k: string, e: HotlistEntry): void {
  const cur = m.get(k);
  if (cur === undefined) m.set(k, e);
  else if (Array.isArray(cur)) cur.push(e);
  else m.set(k, [cur, e]);
}

function forEach(v: HotlistEntry | HotlistEntry[] | undefined, f: (e: HotlistEntry) => void): void {
  if (v === undefined) return;
  if (Array.isArray(v)) for (const e of v) f(e);
  else f(v);
}
