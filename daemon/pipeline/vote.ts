import type { PlateText } from '../vision/ports.js';

export interface VoteResult {
  text: string;
  /** Agreement-weighted confidence in [0, 1]. */
  confidence: number;
  alternatives: { text: string; confidence: number }[];
  state: string | null;
}

type Observation = Pick<PlateText, 'text' | 'confidence' | 'chars' | 'state' | 'alternatives'>;

/**
 * Combines the reads of one vehicle pass into one string. Reads of the length most supported
 * (by summed confidence) vote per character position with their probabilities, runners-up
 * included, so three reads of "ABC1234" beat one "A8C1234" and a read that misses a character
 * only votes on the length. Pure: no I/O, no time.
 */
export function vote(observations: readonly Observation[], best = 5): VoteResult | null {
  const usable = observations.filter((o) => o.text.length > 0);
  if (usable.length === 0) return null;
  const top = [...usable].sort((a, b) => b.confidence - a.confidence).slice(0, best);

  const byLength = new Map<number, Observation[]>();
  for (const o of top) byLength.set(o.text.length, [...(byLength.get(o.text.length) ?? []), o]);
  const weight = (os: Observation[]): number => os.reduce((s, o) => s + o.confidence, 0);
  const [length, group] = [...byLength.entries()].sort((a, b) => weight(b[1]) - weight(a[1]))[0]!;

  const positions: Map<string, number>[] = Array.from({ length }, () => new Map());
  for (const o of group) {
    for (let i = 0; i < length; i++) {
      const g = o.chars[i];
      const tally = positions[i]!;
      if (!g) {
        tally.set(o.text[i]!, (tally.get(o.text[i]!) ?? 0) + o.confidence);
        continue;
      }
      tally.set(g.char, (tally.get(g.char) ?? 0) + g.p);
      for (const alt of g.alts) tally.set(alt.char, (tally.get(alt.char) ?? 0) + alt.p);
    }
  }

  let text = '';
  let agreement = 1;
  const runnersUp: { pos: number; char: string; share: number }[] = [];
  positions.forEach((tally, pos) => {
    const ranked = [...tally.entries()].sort((a, b) => b[1] - a[1]);
    const total = ranked.reduce((s, [, v]) => s + v, 0) || 1;
    const [char, score] = ranked[0]!;
    text += char;
    agreement *= score / total;
    const second = ranked[1];
    if (second) runnersUp.push({ pos, char: second[0], share: second[1] / total });
  });

  // Confidence: how sure the best single read was, scaled by how much the reads agree.
  const bestConfidence = Math.max(...group.map((o) => o.confidence));
  const lengthShare = weight(group) / weight(top);
  const confidence = clamp01(Math.sqrt(bestConfidence * agreement) * lengthShare);

  const alternatives = new Map<string, number>();
  const add = (t: string, c: number): void => {
    if (t !== text && t.length > 0) alternatives.set(t, Math.max(alternatives.get(t) ?? 0, clamp01(c)));
  };
  for (const o of top) {
    add(o.text, o.confidence * (o.text.length === length ? 1 : lengthShare));
    for (const a of o.alternatives) add(a.text, a.confidence);
  }
  for (const r of runnersUp.sort((a, b) => b.share - a.share).slice(0, 4)) {
    add(text.slice(0, r.pos) + r.char + text.slice(r.pos + 1), confidence * r.share);
  }

  const states = new Map<string, number>();
  for (const o of top) if (o.state) states.set(o.state, (states.get(o.state) ?? 0) + o.confidence);
  const state = [...states.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;

  return {
    text,
    confidence,
    alternatives: [...alternatives.entries()]
      .map(([t, c]) => ({ text: t, confidence: c }))
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, 5),
    state,
  };
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}
