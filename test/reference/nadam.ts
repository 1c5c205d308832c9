// Readable scalar NAdam step (torch >= 2.0 rule), rounded after every operation in the
// kernel's order: the ground truth the SIMD kernel must match bit for bit.
import { decayedGrad } from "./decayed-grad.js";
import { scaledEps } from "./scaled-eps.js";
export interface NAdamScalars {
  gradStep: number; // -lr*(1 - mu_t)/(1 - mu_product)
  momStep: number; // -lr*mu_{t+1}/(1 - mu_product*mu_{t+1})
  beta1: number;
  beta2: number;
  bc2: number; // 1 - beta2^t
  eps: number;
  weightDecay: number; // L2; 0 when decoupled
  decay: number; // 1 - lr*wd when decoupled; else 1
  sign: number;
}

export function nadamReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  k: NAdamScalars,
  plain = false,
): void {
  const s = Math.sqrt(k.bc2); // folded into the scalars (assembly/rules/nadam.ts)
  const [gs, ratio, b1, c1, b2, c2, epsS, wd, decay, sign] = [
    k.gradStep * s,
    k.gradStep < 0 || k.gradStep > 0 ? k.momStep / k.gradStep : 0,
    k.beta1,
    1 - k.beta1,
    k.beta2,
    1 - k.beta2,
    scaledEps(r, k.eps, s),
    k.weightDecay,
    k.decay,
    k.sign,
  ].map(r) as [number, number, number, number, number, number, number, number, number, number];
  for (let i = 0; i < p.length; i++) {
    const x = r(p[i]! * decay);
    const d = plain ? g[i]! : decayedGrad(r, g[i]!, x, sign, wd);
    m[i] = r(r(c1 * d) + r(m[i]! * b1));
    v[i] = r(r(r(c2 * d) * d) + r(v[i]! * b2));
    // torch: denom = sqrt(v / bc2) + eps; p += gradStep*g/denom; p += momStep*m/denom
    const stepG = r(gs / r(r(Math.sqrt(v[i]!)) + epsS));
    const x1 = r(r(d * stepG) + x); // the gradient part first ...
    p[i] = r(r(m[i]! * r(stepG * ratio)) + x1); // ... then the momentum part
  }
}
