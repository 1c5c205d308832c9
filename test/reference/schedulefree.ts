// Readable scalar Schedule-Free step (Defazio et al. 2024, in the form of schedulefree >= 1.3,
// see ../../../shared/golden/README.md), rounded after every operation in the kernel's order:
// the ground truth the SIMD kernels must match bit for bit. y is the param (train mode).
export interface ScheduleFreeScalars {
  lr: number; // lr_k (warm-up applied; paper variant: times sqrt(bc2))
  weightDecay: number; // evaluated at y
  c: number; // averaging coefficient: x = (1 - c)*x + c*z
  beta: number; // y = beta*x + (1 - beta)*z
  // AdamW only
  beta2: number;
  bc2: number; // 1 - beta2^(k+1); 1 for the paper variant
  eps: number;
}

/** y = beta*x + (1 - beta)*z, as the step and train() compute it. */
export function interpolateReference(r: (x: number) => number, x: number, z: number, beta: number): number {
  return r(r(x * r(beta)) + r(z * r(1 - beta)));
}

/** One step; v = null for SGD, the second-moment buffer for AdamW. */
export function scheduleFreeReference(
  r: (x: number) => number,
  y: Float64Array,
  g: ArrayLike<number>,
  z: Float64Array,
  x: Float64Array,
  v: Float64Array | null,
  k: ScheduleFreeScalars,
): void {
  const [nlr, wd, c, cc, b2, c2, invBc2, eps] = [-k.lr, k.weightDecay, k.c, 1 - k.c, k.beta2, 1 - k.beta2, 1 / k.bc2, k.eps].map(r) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let i = 0; i < y.length; i++) {
    let u = g[i]!;
    if (v) {
      v[i] = r(r(r(c2 * u) * u) + r(v[i]! * b2));
      u = r(u / r(r(Math.sqrt(r(v[i]! * invBc2))) + eps)); // v / bc2, by the reciprocal
    }
    if (wd !== 0) u = r(r(wd * y[i]!) + u); // the reference adds the term only when wd != 0
    z[i] = r(r(nlr * u) + z[i]!);
    x[i] = r(r(c * z[i]!) + r(x[i]! * cc));
    y[i] = interpolateReference(r, x[i]!, z[i]!, k.beta);
  }
}
