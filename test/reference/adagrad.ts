// Readable scalar Adagrad step (the kernel's order; `r` rounds after every operation).
import { decayedGrad } from "./decayed-grad.js";
export interface AdagradScalars {
  clr: number; // lr / (1 + (t - 1) * lrDecay)
  eps: number;
  weightDecay: number;
  sign: number;
}

export function adagradReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  sum: Float64Array,
  k: AdagradScalars,
): void {
  const [nclr, eps, wd, sign] = [-k.clr, k.eps, k.weightDecay, k.sign].map(r) as [number, number, number, number];
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    const d = decayedGrad(r, g[i]!, x, sign, wd);
    sum[i] = r(r(d * d) + sum[i]!);
    p[i] = r(r(nclr * r(d / r(r(Math.sqrt(sum[i]!)) + eps))) + x);
  }
}
