/**
 * Finds the partial-plate patterns (`*` any run, `?` one character) that match a plate without
 * testing every pattern. Each pattern is filed under one literal anchor: its literal prefix, else
 * its literal suffix, else its longest inner literal run. A lookup lists the plate's prefixes,
 * suffixes and (for the few unanchored patterns) substrings, so with 10,000 patterns a read tests
 * a handful of candidates rather than 10,000 regular expressions.
 */
export class WildcardIndex<T> {
  private readonly byPrefix = new Map<string, Compiled<T>[]>();
  private readonly bySuffix = new Map<string, Compiled<T>[]>();
  private readonly byInner = new Map<string, Compiled<T>[]>();
  private maxPrefix = 0;
  private maxSuffix = 0;
  private maxInner = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Files `pattern` (already normalised, at least one literal character) with its payload. */
  add(pattern: string, value: T): void {
    const c: Compiled<T> = { re: toRegExp(pattern), fixedLength: pattern.includes('*') ? -1 : pattern.length, value };
    const prefix = /^[^*?]*/.exec(pattern)![0];
    const suffix = /[^*?]*$/.exec(pattern)![0];
    this.count++;
    if (prefix) {
      push(this.byPrefix, prefix, c);
      this.maxPrefix = Math.max(this.maxPrefix, prefix.length);
    } else if (suffix) {
      push(this.bySuffix, suffix, c);
      this.maxSuffix = Math.max(this.maxSuffix, suffix.length);
    } else {
      const inner = pattern.split(/[*?]+/).reduce((a, b) => (b.length > a.length ? b : a), '');
      if (!inner) throw new Error(`pattern "${pattern}" has no literal character to index`);
      push(this.byInner, inner, c);
      this.maxInner = Math.max(this.maxInner, inner.length);
    }
  }

  /** Calls `found` for each pattern that matches the whole of `plate`. */
  forEachMatch(plate: string, found: (value: T) => void): void {
    const n = plate.length;
    for (let len = Math.min(n, this.maxPrefix); len >= 1; len--)
      test(this.byPrefix.get(plate.slice(0, len)), plate, found);
    for (let len = Math.min(n, this.maxSuffix); len >= 1; len--)
      test(this.bySuffix.get(plate.slice(n - len)), plate, found);
    if (this.byInner.size) {
      for (let len = Math.min(n, this.maxInner); len >= 1; len--) {
        // Each distinct substring once, so a pattern is never reported twice for one plate.
        const seen = new Set<string>();
        for (let at = 0; at + len <= n; at++) {
          const s = plate.slice(at, at + len);
          if (seen.has(s)) continue;
          seen.add(s);
          test(this.byInner.get(s), plate, found);
        }
      }
    }
  }
}

interface Compiled<T> {
  re: RegExp;
  /** -1 for patterns with `*`; otherwise a cheap length check before the regular expression. */
  fixedLength: number;
  value: T;
}

function test<T>(list: Compiled<T>[] | undefined, plate: string, found: (value: T) => void): void {
  if (!list) return;
  for (const c of list) {
    if (c.fixedLength >= 0 && c.fixedLength !== plate.length) continue;
    if (c.re.test(plate)) found(c.value);
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function toRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/\*+/g, '.*').replace(/\?/g, '.')}$`);
}
