import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ModelError } from '../shared/errors.js';

/**
 * A plate's shape: each character as D (digit) or L (letter). California's 1ABC234 is DLLLDDD;
 * a misread 8/B, 0/O, 5/S or 1/I changes the shape, a misread C/G or W/M does not.
 */
export function plateShape(text: string): string {
  let s = '';
  for (const ch of text) s += ch >= '0' && ch <= '9' ? 'D' : 'L';
  return s;
}

const shapeCounts = z.record(z.string().regex(/^[DL]+$/, 'a shape of D and L'), z.number().int().nonnegative());

/** The trained file (scripts/train/syntax.py): shape counts among real plates, overall and per state. */
const syntaxFileSchema = z.object({ name: z.string(), shapes: shapeCounts, states: z.record(z.string(), shapeCounts) });
export type PlateSyntaxFile = z.infer<typeof syntaxFileSchema>;

export interface PlateSyntaxOptions {
  /** Weight of the letter/digit trigram (the back-off for shapes seen rarely or never) against the counted shapes. */
  shapeBackoff: number;
  /** Weight of the overall shape distribution against one state's counts, when the state is known. */
  stateBackoff: number;
}

/**
 * Chosen by 10-fold cross-validation of the shapes' log-likelihood on the training labels
 * themselves (scripts/train/README.md), not on any evaluation set: 50 (−3.70 nats a plate; 20 gave
 * −3.73, 200 −3.76) and 5 (−2.73 given the state; 10 gave −2.75, 20 −2.85).
 */
export const defaultPlateSyntaxOptions: PlateSyntaxOptions = { shapeBackoff: 50, stateBackoff: 5 };

/**
 * How likely a string's shape is on a real plate: a Dirichlet-smoothed count of the shape,
 * backed off to a letter/digit trigram trained on the same counts (so a vanity shape never seen
 * still gets a small, length-aware probability), and, given the plate's state, that state's counts
 * backed off to the overall distribution.
 */
export class PlateSyntax {
  private readonly total: number;
  private readonly tri = new Map<string, number>();
  private readonly ctx = new Map<string, number>();
  private readonly stateTotals = new Map<string, number>();

  constructor(
    readonly file: PlateSyntaxFile,
    private readonly opts: PlateSyntaxOptions = defaultPlateSyntaxOptions,
  ) {
    this.total = Object.values(file.shapes).reduce((a, b) => a + b, 0);
    if (!(this.total > 0)) throw new ModelError(`plate syntax "${file.name}": no shape counts`);
    for (const [shape, n] of Object.entries(file.shapes)) {
      const s = `^^${shape}$`;
      for (let i = 2; i < s.length; i++) {
        const c = s.slice(i - 2, i);
        this.tri.set(c + s[i], (this.tri.get(c + s[i]) ?? 0) + n);
        this.ctx.set(c, (this.ctx.get(c) ?? 0) + n);
      }
    }
    for (const [state, shapes] of Object.entries(file.states))
      this.stateTotals.set(
        state,
        Object.values(shapes).reduce((a, b) => a + b, 0),
      );
  }

  /** The letter/digit trigram's probability of a shape (add-half smoothing over D, L and the end). */
  private trigram(shape: string): number {
    const s = `^^${shape}$`;
    let p = 1;
    for (let i = 2; i < s.length; i++) {
      const c = s.slice(i - 2, i);
      p *= ((this.tri.get(c + s[i]) ?? 0) + 0.5) / ((this.ctx.get(c) ?? 0) + 1.5);
    }
    return p;
  }

  /** P(shape of `text`), given the state when it is known and counted. */
  probability(text: string, state: string | null = null): number {
    const shape = plateShape(text);
    const { shapeBackoff: b, stateBackoff: g } = this.opts;
    const overall = ((this.file.shapes[shape] ?? 0) + b * this.trigram(shape)) / (this.total + b);
    const n = state ? this.stateTotals.get(state) : undefined;
    if (!state || !n) return overall;
    return ((this.file.states[state]![shape] ?? 0) + g * overall) / (n + g);
  }
}

/** Reads and checks a syntax file; a missing or malformed one is a ModelError naming the file. */
export function loadPlateSyntax(file: string, opts?: PlateSyntaxOptions): PlateSyntax {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelError(`plate syntax ${file}: ${(err as Error).message}`);
  }
  const f = syntaxFileSchema.safeParse(parsed);
  if (!f.success)
    throw new ModelError(
      `plate syntax ${file}: ${f.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return new PlateSyntax(f.data, opts);
}
