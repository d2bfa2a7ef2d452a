/**
 * Seeded mutations of text files for the fuzz tests. FUZZ_SEED=N reruns a failing seed; each
 * failure message names the seed and the case.
 */

/** The seed: FUZZ_SEED when set, else a fixed one so that CI runs are repeatable. */
export function fuzzSeed(): number {
  const s = Number(process.env.FUZZ_SEED);
  return Number.isInteger(s) ? s : 424_18;
}

/** mulberry32: small, fast, good enough to pick mutations. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** One mutation: a name for the failure message and what it does to the file's bytes. */
export interface Mutation {
  name: string;
  apply(b: Buffer, r: Rng): Buffer;
}

const lines = (b: Buffer): Buffer[] => {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, at)) {
    out.push(b.subarray(at, i));
    at = i + 1;
  }
  out.push(b.subarray(at));
  return out;
};
const join = (ls: Buffer[]): Buffer => Buffer.concat(ls.flatMap((l, i) => (i ? [Buffer.from('\n'), l] : [l])));
const onLine = (f: (line: Buffer, r: Rng) => Buffer) => (b: Buffer, r: Rng) => {
  const ls = lines(b);
  const i = r.int(ls.length);
  ls[i] = f(ls[i]!, r);
  return join(ls);
};
const insertAt = (b: Buffer, r: Rng, bytes: Buffer): Buffer => {
  const at = r.int(b.length + 1);
  return Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
};

/** Mutations that fit any text format. */
export const TEXT_MUTATIONS: Mutation[] = [
  {
    name: 'delete a line',
    apply: (b, r) => {
      const ls = lines(b);
      ls.splice(r.int(ls.length), 1);
      return join(ls);
    },
  },
  {
    name: 'duplicate a line',
    apply: (b, r) => {
      const ls = lines(b);
      const i = r.int(ls.length);
      ls.splice(i, 0, ls[i]!);
      return join(ls);
    },
  },
  { name: 'cut a line short', apply: onLine((l, r) => l.subarray(0, r.int(l.length + 1))) },
  { name: 'truncate the file', apply: (b, r) => b.subarray(0, r.int(b.length + 1)) },
  {
    name: 'flip a byte',
    apply: (b, r) => {
      if (!b.length) return b;
      const c = Buffer.from(b);
      c[r.int(c.length)] = r.int(256);
      return c;
    },
  },
  {
    name: 'invalid UTF-8',
    apply: (b, r) =>
      insertAt(b, r, Buffer.from(r.pick([[0xff], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]))),
  },
  { name: 'NUL byte', apply: (b, r) => insertAt(b, r, Buffer.from([0])) },
  { name: 'tab', apply: (b, r) => insertAt(b, r, Buffer.from('\t')) },
  { name: 'CRLF line ends', apply: (b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1') },
  { name: 'UTF-8 BOM', apply: (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]) },
  {
    name: 'long line',
    apply: (b, r) => insertAt(b, r, Buffer.from(`\n${'W'.repeat(r.pick([1000, 4096, 4097, 20_000]))}\n`)),
  },
  { name: 'empty file', apply: () => Buffer.alloc(0) },
  {
    name: 'random bytes',
    apply: (b, r) => insertAt(b, r, Buffer.from(Array.from({ length: 1 + r.int(64) }, () => r.int(256)))),
  },
];

/** Applies 1-3 mutations; returns the bytes and the names applied. */
export function mutate(base: Buffer, r: Rng, pool: Mutation[]): { bytes: Buffer; applied: string[] } {
  let bytes = base;
  const applied: string[] = [];
  for (let n = 1 + r.int(3); n > 0; n--) {
    const m = r.pick(pool);
    bytes = m.apply(bytes, r);
    applied.push(m.name);
  }
  return { bytes, applied };
}
