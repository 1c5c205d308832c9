// Lion, written straight from the paper (Chen et al. 2023, Algorithm 2), one element at a
// time and rounded after every operation:
//   c = b1*m + (1 - b1)*g;  p = p*(1 - lr*wd) - lr*sign(c);  m = b2*m + (1 - b2)*g
// (the decoupled decay first, as lion-pytorch: wd = 0 leaves a ±Infinity param as it is).
// sign is torch.sign (torch 1.13): sign(±0) = sign(NaN) = +0.
import fc from "fast-check";
import { scalar } from "../helpers/arbitraries.js";
import { kernelSpec } from "../helpers/kernel-check.js";

export interface LionScalars {
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  sign: number; // -1 when maximizing (g is negated first)
}

export const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

export function lionReference(r: (x: number) => number, p: Float64Array, g: ArrayLike<number>, m: Float64Array, k: LionScalars): void {
  const [lr, b1, c1, b2, c2, decay, s] = [k.lr, k.beta1, 1 - k.beta1, k.beta2, 1 - k.beta2, 1 - k.lr * k.weightDecay, k.sign].map(r) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let i = 0; i < p.length; i++) {
    const gi = r(g[i]! * s);
    const c = r(r(b1 * m[i]!) + r(c1 * gi));
    p[i] = r(r(p[i]! * decay) - r(lr * sign(c)));
    m[i] = r(r(b2 * m[i]!) + r(c2 * gi));
  }
}

/** The property test of the lion kernel (test/kernels/registered.property.test.ts runs it). */
export const kernelSpecs = [
  kernelSpec({
    name: "lion",
    scalars: fc.record({
      lr: scalar(1e-6, 1e-1),
      beta1: scalar(0, 0.999),
      beta2: scalar(0, 0.9999),
      weightDecay: fc.oneof(fc.constant(0), scalar(1e-4, 10)),
      sign: fc.constantFrom(1, -1),
    }),
    // the random buffers hold exact zeros in m and g: b1*m + (1-b1)*g = 0 (sign 0) in most runs
    reference: (r, b, s) => lionReference(r, b.p, b.g, b.m, s),
  }),
];
