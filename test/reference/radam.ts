// Readable scalar RAdam step, rounded after every operation in the kernel's order: the
// ground truth the SIMD kernels (rectified or not) must match bit for bit.
import { decayedGrad } from "./decayed-grad.js";
export interface RAdamScalars {
  step: number; // rectified: -lr*r_t*sqrt(bc2)/bc1; else -lr/bc1
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number; // L2; 0 when decoupled
  decay: number; // 1 - lr*wd when decoupled; else 1
  sign: number;
}

export function radamReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  k: RAdamScalars,
  rectified: boolean,
  plain = false,
): void {
  const [step, b1, c1, b2, c2, eps, wd, decay, sign] = [
    k.step,
    k.beta1,
    1 - k.beta1,
    k.beta2,
    1 - k.beta2,
    k.eps,
    k.weightDecay,
    k.decay,
    k.sign,
  ].map(r) as [number, number, number, number, number, number, number, number, number];
  for (let i = 0; i < p.length; i++) {
    const x = r(p[i]! * decay);
    const d = plain ? g[i]! : decayedGrad(r, g[i]!, x, sign, wd);
    m[i] = r(r(c1 * d) + r(m[i]! * b1));
    v[i] = r(r(r(c2 * d) * d) + r(v[i]! * b2));
    const dir = rectified ? r(m[i]! / r(r(Math.sqrt(v[i]!)) + eps)) : m[i]!;
    p[i] = r(r(step * dir) + x);
  }
}
