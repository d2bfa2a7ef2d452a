/**
 * Scores the reads a clip of several passes gave, per pass. Pure: the passes (their plates and
 * frame times) and the stored reads (their texts and sighting times) in, outcomes out.
 */

export interface PassTruth {
  /** The photo the pass was made from. */
  name: string;
  plate: string;
  /** Times of the pass's first and last frame (the clip's timestamps, ms). */
  fromTs: number;
  toTs: number;
}

export interface PassRead {
  text: string;
  firstSeen: number;
  lastSeen: number;
}

export interface PassOutcome {
  name: string;
  plate: string;
  /** Every stored read of the pass, in order. */
  reads: string[];
  /** Some stored read of the pass is the plate. */
  right: boolean;
  /** Stored reads other than one right read: a second read of the pass, or wrong ones. */
  extra: number;
  /** No stored read at all. */
  missed: boolean;
}

export interface PassSummary {
  passes: number;
  right: number;
  /** Passes with exactly one stored read, and that one right. */
  clean: number;
  /** Passes with more than one stored read. */
  readTwice: number;
  /** Passes with reads, none right. */
  wrongOnly: number;
  missed: number;
  extraReads: number;
  /** Reads during no pass (the empty frames between them). */
  stray: number;
}

/** Gives each read to the pass whose frames its sightings overlap; reads overlapping none are stray. */
export function scorePasses(
  passes: readonly PassTruth[],
  reads: readonly PassRead[],
): { outcomes: PassOutcome[]; stray: PassRead[] } {
  const byPass = passes.map(() => [] as PassRead[]);
  const stray: PassRead[] = [];
  for (const r of [...reads].sort((a, b) => a.firstSeen - b.firstSeen)) {
    const i = passes.findIndex((p) => r.firstSeen <= p.toTs && r.lastSeen >= p.fromTs);
    if (i < 0) stray.push(r);
    else byPass[i]!.push(r);
  }
  const outcomes = passes.map((p, i) => {
    const texts = byPass[i]!.map((r) => r.text);
    const right = texts.includes(p.plate);
    return {
      name: p.name,
      plate: p.plate,
      reads: texts,
      right,
      extra: texts.length - (right ? 1 : 0),
      missed: texts.length === 0,
    };
  });
  return { outcomes, stray };
}

export function summarisePasses(outcomes: readonly PassOutcome[], stray = 0): PassSummary {
  const count = (f: (o: PassOutcome) => boolean) => outcomes.filter(f).length;
  return {
    passes: outcomes.length,
    right: count((o) => o.right),
    clean: count((o) => o.right && o.reads.length === 1),
    readTwice: count((o) => o.reads.length > 1),
    wrongOnly: count((o) => !o.right && !o.missed),
    missed: count((o) => o.missed),
    extraReads: outcomes.reduce((s, o) => s + o.extra, 0),
    stray,
  };
}

/** Wilson score interval of k successes in n (95 % by default), as shares. */
export function wilson(k: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** "87.4 % (80.0–92.3 %, 97 of 111)". */
export function shareWithInterval(k: number, n: number): string {
  const pct = (x: number) => (100 * x).toFixed(1);
  const { low, high } = wilson(k, n);
  return `${pct(n ? k / n : Number.NaN)} % (95 % CI ${pct(low)}–${pct(high)} %, ${k} of ${n})`;
}
