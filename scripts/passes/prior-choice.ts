/**
 * What a pass would have stored had the vote weighed its strings by the plate-shape prior, as each
 * frame's reader does (PlateRecReader): the voted text and its alternatives, each confidence
 * times the prior of its letter/digit shape, the best kept. A measurement of a possible change,
 * not the pipeline's rule.
 */
export interface VotedRead {
  text: string;
  confidence: number;
  alternatives: { text: string; confidence: number }[];
  state: string | null;
}

export function chooseByPrior(read: VotedRead, prior: (text: string, state: string | null) => number): string {
  let best = read.text;
  let score = read.confidence * prior(read.text, read.state);
  for (const a of read.alternatives) {
    const s = a.confidence * prior(a.text, read.state);
    if (s > score) [best, score] = [a.text, s];
  }
  return best;
}
