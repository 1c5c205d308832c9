// Readable scalar Adamax step (torch.optim.Adamax), rounded after every operation in the
// kernel's order: the ground truth the SIMD kernel must match bit for bit.
import { decayedGrad } from "./decayed-grad.js";
export interface AdamaxScalars {
  clr: number; // lr / (1 - beta1^t)
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number; // L2
  sign: number; // -1 when maximizing
}

export function adamaxReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  u: Float64Array,
  k: AdamaxScalars,
): void {
  const [nclr, b1, c1, b2, eps, wd, sign] = [-k.clr, k.beta1, 1 - k.beta1, k.beta2, k.eps, k.weightDecay, k.sign].map(r) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    const d = decayedGrad(r, g[i]!, x, sign, wd);
    m[i] = r(r(c1 * d) + r(m[i]! * b1));
    u[i] = Math.max(r(u[i]! * b2), r(Math.abs(d) + eps)); // eps inside the max
    p[i] = r(r(nclr * r(m[i]! / u[i]!)) + x);
  }
}
