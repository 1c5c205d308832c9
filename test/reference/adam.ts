// Readable scalar Adam / AdamW step, the ground truth the SIMD kernel is tested against.
// `r` rounds to the buffer's precision after every operation, in the kernel's order, so a
// correct kernel agrees to the bit. `plain` is the kernel's specialisation for no L2 term and
// not maximizing: the gradient is used as it is, as torch does when weight_decay = 0.
import { decayedGrad } from "./decayed-grad.js";
import { scaledEps } from "./scaled-eps.js";
export interface AdamScalars {
  stepSize: number; // lr / (1 - beta1^t)
  beta1: number;
  beta2: number;
  bc2sqrt: number; // sqrt(1 - beta2^t)
  eps: number;
  weightDecay: number; // L2 (Adam); 0 for AdamW
  decay: number; // 1 - lr*wd (AdamW); 1 for Adam
  sign: number; // -1 when maximizing
}

export function adamReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  vmax: Float64Array | null,
  k: AdamScalars,
  plain = false,
): void {
  // sqrt(1 - beta2^t) folded into the step and eps (assembly/rules/adam.ts)
  const [ns, b1, c1, b2, c2, epsS, wd, decay, sign] = [
    -k.stepSize * k.bc2sqrt,
    k.beta1,
    1 - k.beta1,
    k.beta2,
    1 - k.beta2,
    scaledEps(r, k.eps, k.bc2sqrt),
    k.weightDecay,
    k.decay,
    k.sign,
  ].map(r) as [number, number, number, number, number, number, number, number, number];
  for (let i = 0; i < p.length; i++) {
    const x = r(p[i]! * decay);
    const d = plain ? g[i]! : decayedGrad(r, g[i]!, x, sign, wd);
    m[i] = r(r(c1 * d) + r(m[i]! * b1));
    v[i] = r(r(r(c2 * d) * d) + r(v[i]! * b2));
    let vt = v[i]!;
    if (vmax) vt = vmax[i] = Math.max(vmax[i]!, vt);
    // torch: p - stepSize * m / (sqrt(v) / sqrt(bc2) + eps)
    const denom = r(r(Math.sqrt(vt)) + epsS);
    p[i] = r(r(ns * r(m[i]! / denom)) + x);
  }
}
