import type { CharGuess } from './ports.js';

/**
 * The N most likely strings from per-position guesses, best first, the first being the
 * greedy read. Each position may take its best character, a runner-up, or (when it is unsure)
 * be dropped: the commonest errors are look-alikes (8/B, 0/O) and an extra character from a
 * bolt or emblem between groups. Scores are products, so they compare across lengths.
 */
export function topCandidates(chars: CharGuess[], n: number, dropBelow = 0.9): { text: string; confidence: number }[] {
  // Options per position, best first, as (char or '' for dropped, weight).
  const options = chars.map((g) => {
    const o: { c: string; w: number }[] = [{ c: g.char, w: g.p }];
    for (const a of g.alts) o.push({ c: a.char, w: a.p });
    if (g.p < dropBelow) o.push({ c: '', w: Math.max(1e-6, 1 - g.p - g.alts.reduce((s, a) => s + a.p, 0)) * 0.5 });
    return o.sort((a, b) => b.w - a.w);
  });
  if (options.length === 0) return [];
  // Best-first enumeration over index vectors: a classic k-best product with a heap (small n, a list suffices).
  const score = (idx: number[]) => idx.reduce((s, k, pos) => s * options[pos]![k]!.w, 1);
  const key = (idx: number[]) => idx.join(',');
  const start = options.map(() => 0);
  const frontier: { idx: number[]; s: number }[] = [{ idx: start, s: score(start) }];
  const seenIdx = new Set([key(start)]);
  const out: { text: string; confidence: number }[] = [];
  const seenText = new Set<string>();
  while (frontier.length > 0 && out.length < n) {
    let bi = 0;
    for (let i = 1; i < frontier.length; i++) if (frontier[i]!.s > frontier[bi]!.s) bi = i;
    const { idx, s } = frontier.splice(bi, 1)[0]!;
    const text = idx.map((k, pos) => options[pos]![k]!.c).join('');
    if (text.length > 0 && !seenText.has(text)) {
      seenText.add(text);
      out.push({ text, confidence: s });
    }
    for (let pos = 0; pos < idx.length; pos++) {
      if (idx[pos]! + 1 >= options[pos]!.length) continue;
      const next = idx.slice();
      next[pos]! += 1;
      const k = key(next);
      if (seenIdx.has(k)) continue;
      seenIdx.add(k);
      frontier.push({ idx: next, s: score(next) });
    }
  }
  return out;
}
