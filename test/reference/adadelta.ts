// Readable scalar Adadelta step (torch.optim.Adadelta), rounded after every operation in
// the kernel's order: the ground truth the SIMD kernel must match bit for bit.
import { decayedGrad } from "./decayed-grad.js";
export interface AdadeltaScalars {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number; // L2
  sign: number;
}

export function adadeltaReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  v: Float64Array,
  acc: Float64Array,
  k: AdadeltaScalars,
): void {
  const [nlr, rho, c, eps, wd, sign] = [-k.lr, k.rho, 1 - k.rho, k.eps, k.weightDecay, k.sign].map(r) as [
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
    v[i] = r(r(r(c * d) * d) + r(v[i]! * rho));
    // eps inside both roots: sqrt(acc + eps) / sqrt(v + eps), taken as one root
    const delta = r(r(Math.sqrt(r(r(acc[i]! + eps) / r(v[i]! + eps)))) * d);
    acc[i] = r(r(r(c * delta) * delta) + r(acc[i]! * rho));
    p[i] = r(r(nlr * delta) + x);
  }
}
