// Readable scalar references for Muon (torch.optim.Muon, torch 2.9): the momentum, rounded
// after every operation in the kernel's order (bit for bit), and the float32 matrix kernels
// of assembly/matmul.ts written as plain loops with the same summation order.

/** torch.lerp with a scalar weight (CPU formula): a + w*(b - a) if `low` (|w| < 0.5), else b - (b - a)*(1 - w). */
function lerp(r: (x: number) => number, a: number, b: number, w: number, low: boolean): number {
  const diff = r(b - a);
  return low ? r(r(w * diff) + a) : r(b - r(diff * r(1 - w)));
}

export interface MuonMomentumScalars {
  momentum: number;
}

/** buf = lerp(buf, g, 1 - momentum); u = nesterov ? lerp(g, buf, momentum) : buf. */
export function muonMomentumReference(
  r: (x: number) => number,
  g: ArrayLike<number>,
  buf: Float64Array,
  u: Float64Array,
  k: MuonMomentumScalars,
  flags: { nesterov: boolean; bufLow: boolean; nesterovLow: boolean },
): void {
  const w = r(1 - k.momentum);
  const mu = r(k.momentum);
  for (let i = 0; i < g.length; i++) {
    const b = lerp(r, buf[i]!, g[i]!, w, flags.bufLow);
    buf[i] = b;
    u[i] = flags.nesterov ? lerp(r, g[i]!, b, mu, flags.nesterovLow) : b;
  }
}

/**
 * out[m x n] = beta*C + alpha*(A[m x k] B[k x n]), row-major float32: each sum over p in
 * order 0..k-1, rounded after every multiply and add; beta = 0 does not read C.
 */
export function addmmReference(
  c: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  beta: number,
  alpha: number,
): Float32Array {
  const r = Math.fround;
  const [bt, al] = [r(beta), r(alpha)];
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = r(acc + r(a[i * k + p]! * b[p * n + j]!));
      const v = r(al * acc);
      out[i * n + j] = beta !== 0 ? r(r(bt * c[i * n + j]!) + v) : v;
    }
  }
  return out;
}
