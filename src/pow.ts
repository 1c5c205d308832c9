// base ** exp for the per-step scalars (bias corrections, NAdam's mu), remembered: every
// param of a group asks for the same powers in a step, and Math.pow costs about 50 ns here —
// a quarter of the fixed cost of stepping a small param. The value is exactly base ** exp.
const SIZE = 8;
const bases = new Float64Array(SIZE).fill(NaN);
const exps = new Float64Array(SIZE);
const values = new Float64Array(SIZE);
let next = 0;

export function pow(base: number, exp: number): number {
  for (let i = 0; i < SIZE; i++) if (bases[i] === base && exps[i] === exp) return values[i]!;
  const v = base ** exp;
  bases[next] = base;
  exps[next] = exp;
  values[next] = v;
  next = (next + 1) % SIZE;
  return v;
}
