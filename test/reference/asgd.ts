// Readable scalar ASGD step (torch.optim.ASGD, torch 1.13), rounded after every operation in
// the kernel's order: the ground truth the SIMD kernel must match bit for bit.
import { decayedGrad } from "./decayed-grad.js";
export interface ASGDScalars {
  eta: number;
  decay: number; // 1 - lambd*eta
  mu: number;
  weightDecay: number; // L2
  sign: number; // -1 when maximizing
}

/** `average`: ax = ax + (p - ax)*mu (torch: mu != 1); else ax = p. */
export function asgdReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  ax: Float64Array,
  k: ASGDScalars,
  average: boolean,
): void {
  const [negEta, decay, mu, wd, s] = [-k.eta, k.decay, k.mu, k.weightDecay, k.sign].map(r) as [number, number, number, number, number];
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    const d = decayedGrad(r, g[i]!, x, s, wd);
    const y = r(r(negEta * d) + r(x * decay));
    p[i] = y;
    ax[i] = average ? r(r(r(y - ax[i]!) * mu) + ax[i]!) : y;
  }
}
